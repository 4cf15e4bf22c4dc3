package dev.switchboard.plugins.performance;

import dev.switchboard.api.PluginCommand;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * {@code switchboard performance check}: asks a running Switchboard for its budget report, prints
 * it, and exits 1 when a budget fails (or the report cannot be had, or the budgets file is
 * refused), 0 otherwise, so that CI and operators can gate on it.
 */
final class BudgetCheck implements PluginCommand {

    static final String USAGE = """
            Usage: switchboard performance check [--url URL] [--token TOKEN] [--json]
              --url URL      the Switchboard to ask (default http://127.0.0.1:8080)
              --token TOKEN  bearer token, for a Switchboard not on this machine (default performance.metrics.token)
              --json         print the report as the server sends it""";

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final String defaultToken;

    BudgetCheck(String defaultToken) {
        this.defaultToken = defaultToken;
    }

    @Override
    public int run(List<String> args, PrintStream out, PrintStream err) throws InterruptedException {
        String url = "http://127.0.0.1:8080";
        String token = defaultToken;
        boolean json = false;
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            switch (arg) {
                case "--help", "-h" -> {
                    out.println(USAGE);
                    return 0;
                }
                case "--url", "--token" -> {
                    if (i + 1 >= args.size()) {
                        return usage(err, arg + " needs a value");
                    }
                    String value = args.get(++i);
                    if (arg.equals("--url")) {
                        if (!value.matches("https?://[^/\\s]+/?")) {
                            return usage(err, "--url needs an http:// or https:// URL with no path, got '" + value + "'");
                        }
                        url = value.endsWith("/") ? value.substring(0, value.length() - 1) : value;
                    } else {
                        token = value;
                    }
                }
                case "--json" -> json = true;
                default -> {
                    return usage(err, "unknown argument '" + arg + "'");
                }
            }
        }
        URI report = URI.create(url + BudgetsResource.PATH);
        HttpRequest.Builder request = HttpRequest.newBuilder(report).timeout(Duration.ofSeconds(10)).header("Accept", "application/json");
        if (!token.isEmpty()) {
            request.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> response;
        try (HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()) {
            response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            err.println("switchboard performance check: cannot reach " + report + ": " + e);
            return 1;
        }
        if (response.statusCode() != 200) {
            err.println("switchboard performance check: GET " + report + " answered " + response.statusCode()
                    + (response.statusCode() == 404 ? " (is the performance plugin there, with performance.budgets.enabled?)" : "")
                    + ": " + response.body());
            return 1;
        }
        JsonNode root;
        try {
            root = JSON.readTree(response.body());
        } catch (JacksonException e) {
            err.println("switchboard performance check: " + report + " did not answer JSON: " + e.getOriginalMessage());
            return 1;
        }
        if (json) {
            out.println(response.body());
        } else {
            print(root, out);
        }
        String fileError = root.path("file").path("error").asString(null);
        if (fileError != null) {
            err.println("switchboard performance check: the budgets file is refused: " + fileError);
            return 1;
        }
        return root.path("failing").asInt() > 0 ? 1 : 0;
    }

    private static int usage(PrintStream err, String problem) {
        err.println("switchboard performance check: " + problem);
        err.println(USAGE);
        return 2;
    }

    static void print(JsonNode root, PrintStream out) {
        int width = "budget".length();
        for (JsonNode budget : root.path("budgets")) {
            width = Math.max(width, budget.path("name").asString().length());
        }
        String row = "%-" + width + "s  %12s  %12s  %8s  %-7s  %s%n";
        out.printf(Locale.ROOT, row, "budget", "limit", "measured", "samples", "status", "alert");
        for (JsonNode budget : root.path("budgets")) {
            String unit = budget.path("unit").asString();
            boolean data = !budget.path("status").asString().equals("no_data");
            out.printf(Locale.ROOT, row, budget.path("name").asString(), BudgetEvaluator.format(budget.path("limit").asDouble(), unit),
                    data ? BudgetEvaluator.format(budget.path("value").asDouble(), unit) : "-", budget.path("samples").asLong(),
                    budget.path("status").asString(), budget.path("alert").asString());
        }
        int count = root.path("budgets").size();
        out.printf(Locale.ROOT, "%s: %d of %d budgets fail over the last %s (at least %d samples each), %d alerts firing; evaluated %s%n",
                root.path("status").asString(), root.path("failing").asInt(), count, root.path("window").asString(),
                root.path("minSamples").asInt(), root.path("firing").asInt(), root.path("evaluatedAt").asString());
    }
}
