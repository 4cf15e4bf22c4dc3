package dev.switchboard.bench;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Memory over a long session: the distribution (its plugins, the seed skills, the hello plugin)
 * under a mixed load for a bounded time (event streams opened and closed, events published,
 * skill calls, MCP sessions opened and deleted, the hello plugin swapped every 20 s); every
 * minute a full GC ({@code jcmd GC.run}) and the heap in use read from {@code /metrics}. Reports
 * the samples, their least-squares slope (MB per minute, the first sample left out as warm-up),
 * what the load did, and {@code GET /admin/leaks} at the end.
 *
 * <pre>
 * ./mvnw -B -ntp -DskipTests install && ./mvnw -B -ntp -Pbench-soak -pl bench verify
 * </pre>
 */
public final class SoakBenchmark {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String ADMIN_TOKEN = "soak-admin-token";

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Map<String, AtomicLong> done = Map.of("streams", new AtomicLong(), "events", new AtomicLong(), "skillCalls", new AtomicLong(),
            "mcpSessions", new AtomicLong(), "swaps", new AtomicLong(), "errors", new AtomicLong());
    private final java.util.Queue<String> errorSamples = new java.util.concurrent.ConcurrentLinkedQueue<>();
    private final URI base;

    private SoakBenchmark(URI base) {
        this.base = base;
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = BenchReports.options(args);
        Path distribution = Path.of(options.get("distribution"));
        Path results = Path.of(options.get("results"));
        int minutes = Integer.parseInt(options.getOrDefault("minutes", "10"));

        Path work = Files.createTempDirectory("soak-bench-");
        CopyTree.copy(distribution.resolve("skills"), work.resolve("skills"));
        Path plugins = Files.createDirectories(work.resolve("plugins"));
        try (var jars = Files.list(distribution.resolve("plugins"))) {
            for (Path jar : jars.filter(p -> p.toString().endsWith(".jar")).toList()) {
                Files.copy(jar, plugins.resolve(jar.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        try (var examples = Files.list(distribution.resolve("examples/plugins"))) {
            Path hello = examples.filter(p -> p.getFileName().toString().startsWith("hello-plugin-")).findFirst().orElseThrow();
            Files.copy(hello, plugins.resolve("hello.jar"), StandardCopyOption.REPLACE_EXISTING);
        }
        int port = FanoutBenchmark.freePort();
        ProcessBuilder builder = new ProcessBuilder(distribution.resolve("bin/switchboard").toString(), "run", "--port", Integer.toString(port),
                "--plugins-dir", plugins.toString(), "--skills-dir", work.resolve("skills").toString())
                .redirectErrorStream(true).redirectOutput(work.resolve("switchboard.log").toFile());
        builder.environment().put("SWITCHBOARD_OPTS", "-Xmx1g");
        builder.environment().put("SWITCHBOARD_ADMIN_TOKEN", ADMIN_TOKEN);
        Process process = builder.start();
        URI base = URI.create("http://127.0.0.1:" + port);
        ObjectNode report = BenchReports.report(Duration.ofMinutes(1), Duration.ofMinutes(minutes));
        try {
            FanoutBenchmark.awaitHttp(base.resolve("/health/skills"), Duration.ofSeconds(120));
            new SoakBenchmark(base).run(process, minutes, report, distribution);
        } finally {
            process.destroy();
            process.waitFor(30, TimeUnit.SECONDS);
        }
        BenchReports.write(results, "soak", report);
    }

    private void run(Process process, int minutes, ObjectNode report, Path distribution) throws Exception {
        List<JsonNode> cases = new ArrayList<>();
        for (String skill : new String[] {"sse-handler", "monaco-config"}) {
            for (JsonNode c : JSON.readTree(distribution.resolve("skills/" + skill + "/cases.json").toFile())) {
                if (c.has("output")) {
                    // The cases that succeed; those that expect an error are the skill's tests, not load.
                    cases.add(JSON.createObjectNode().put("skill", skill).set("input", c.get("input")));
                }
            }
        }
        List<Thread> load = new ArrayList<>();
        load.add(loop("streams", 50, this::stream));
        load.add(loop("events", 10, () -> send(post("/api/events/learning.events", "{\"type\":\"soak\",\"data\":{\"n\":1}}"))));
        AtomicLong next = new AtomicLong();
        load.add(loop("skillCalls", 20, () -> {
            JsonNode c = cases.get((int) (next.getAndIncrement() % cases.size()));
            send(post("/api/skills/" + c.get("skill").asString() + "/invoke", JSON.writeValueAsString(c.get("input"))));
        }));
        load.add(loop("mcpSessions", 200, this::mcpSession));
        load.add(loop("swaps", 20_000, () -> send(HttpRequest.newBuilder(base.resolve("/admin/plugins/hello/reload"))
                .header("Authorization", "Bearer " + ADMIN_TOKEN).POST(HttpRequest.BodyPublishers.noBody()).build())));

        long pid = java(process);
        String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
        ArrayNode samples = report.putArray("heapAfterFullGcMb");
        List<double[]> points = new ArrayList<>();
        for (int minute = 0; minute <= minutes; minute++) {
            if (minute > 0) {
                Thread.sleep(Duration.ofMinutes(1));
            }
            Process gc = new ProcessBuilder(jcmd, Long.toString(pid), "GC.run").redirectErrorStream(true).start();
            gc.getInputStream().readAllBytes();
            gc.waitFor(60, TimeUnit.SECONDS);
            double heap = heapMb();
            samples.add(Math.round(heap * 10) / 10.0);
            if (minute > 0) {
                points.add(new double[] {minute, heap});
            }
            System.out.printf("minute %2d: heap after full GC %.1f MB, %s%n", minute, heap, done);
        }
        running.set(false);
        for (Thread thread : load) {
            thread.join(Duration.ofSeconds(30));
        }
        report.put("slopeMbPerMinute", Math.round(slope(points) * 1000) / 1000.0);
        ObjectNode counts = report.putObject("load");
        done.forEach((name, count) -> counts.put(name, count.get()));
        HttpResponse<String> leaks = http.send(HttpRequest.newBuilder(base.resolve("/admin/leaks")).header("Authorization", "Bearer " + ADMIN_TOKEN)
                .build(), HttpResponse.BodyHandlers.ofString());
        report.set("leaks", JSON.readTree(leaks.body()));
        report.put("generation", metric("switchboard_plugins_generation"));
        report.putPOJO("errorSamples", List.copyOf(errorSamples));
    }

    @FunctionalInterface
    private interface Step {
        void run() throws Exception;
    }

    /** A virtual thread running {@code step} every {@code periodMillis} until the end, counting it under {@code name}. */
    private Thread loop(String name, long periodMillis, Step step) {
        return Thread.ofVirtual().name("soak-" + name).start(() -> {
            while (running.get()) {
                try {
                    step.run();
                    done.get(name).incrementAndGet();
                } catch (Exception e) {
                    if (done.get("errors").incrementAndGet() <= 5) {
                        errorSamples.add(name + ": " + e);
                    }
                }
                try {
                    Thread.sleep(periodMillis);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
    }

    /** Opens an event stream, reads to its first event, and closes it. */
    private void stream() throws Exception {
        HttpResponse<InputStream> response = http.send(HttpRequest.newBuilder(base.resolve("/api/events/stream?topics=learning.events"))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofInputStream());
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null && !line.startsWith("event:")) {
                // Up to the first event.
            }
        }
    }

    /** An MCP session: initialize, initialized, tools/list, DELETE. */
    private void mcpSession() throws Exception {
        URI mcp = base.resolve("/mcp");
        String initialize = JSON.writeValueAsString(Map.of("jsonrpc", "2.0", "id", 0, "method", "initialize", "params", Map.of(
                "protocolVersion", "2025-11-25", "capabilities", Map.of(), "clientInfo", Map.of("name", "soak", "version", "1"))));
        HttpResponse<String> opened = http.send(mcpRequest(mcp, null).POST(HttpRequest.BodyPublishers.ofString(initialize)).build(),
                HttpResponse.BodyHandlers.ofString());
        String id = opened.headers().firstValue("Mcp-Session-Id").orElseThrow(() -> new IllegalStateException("no session: " + opened.body()));
        send(mcpRequest(mcp, id).POST(HttpRequest.BodyPublishers.ofString("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}")).build());
        send(mcpRequest(mcp, id).POST(HttpRequest.BodyPublishers.ofString("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}")).build());
        send(mcpRequest(mcp, id).DELETE().build());
    }

    private static HttpRequest.Builder mcpRequest(URI mcp, String session) {
        HttpRequest.Builder request = HttpRequest.newBuilder(mcp).header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream").timeout(Duration.ofSeconds(10));
        if (session != null) {
            request.header("Mcp-Session-Id", session).header("MCP-Protocol-Version", "2025-11-25");
        }
        return request;
    }

    private HttpRequest post(String path, String json) {
        return HttpRequest.newBuilder(base.resolve(path)).header("Content-Type", "application/json").timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofString(json)).build();
    }

    /** Sends; a status of 400 or more is an error. */
    private void send(HttpRequest request) throws Exception {
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() >= 400) {
            throw new IllegalStateException(request.uri() + " answered " + response.statusCode() + ": " + response.body());
        }
    }

    /** The heap in use, from /metrics: the sum of jvm_memory_used_bytes{area="heap"}, in MB. */
    private double heapMb() throws Exception {
        double bytes = 0;
        for (String line : http.send(HttpRequest.newBuilder(base.resolve("/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body().split("\n")) {
            if (line.startsWith("jvm_memory_used_bytes{") && line.contains("area=\"heap\"")) {
                bytes += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return bytes / (1024 * 1024);
    }

    private double metric(String name) throws Exception {
        for (String line : http.send(HttpRequest.newBuilder(base.resolve("/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body().split("\n")) {
            if (line.startsWith(name + " ")) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return Double.NaN;
    }

    /** The JVM of the launched process (the launcher execs java, so usually the process itself). */
    private static long java(Process process) {
        return java.util.stream.Stream.concat(java.util.stream.Stream.of(process.toHandle()), process.toHandle().descendants())
                .filter(handle -> handle.info().command().map(command -> command.endsWith("/java")).orElse(false))
                .findFirst().orElseThrow().pid();
    }

    /** The least-squares slope of {@code points} (x, y). */
    private static double slope(List<double[]> points) {
        int n = points.size();
        if (n < 2) {
            return Double.NaN;
        }
        double sx = 0, sy = 0, sxx = 0, sxy = 0;
        for (double[] p : points) {
            sx += p[0];
            sy += p[1];
            sxx += p[0] * p[0];
            sxy += p[0] * p[1];
        }
        return (n * sxy - sx * sy) / (n * sxx - sx * sx);
    }
}
