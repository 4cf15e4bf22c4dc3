package dev.switchboard.plugins.performance;

import dev.switchboard.api.HostRoute;
import dev.switchboard.api.Schemas;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A budgets file ({@code performance.budgets.file}, YAML or JSON): latency percentiles and an
 * error rate per route template, and the web vitals' p75. docs/performance.md#budgets describes it.
 * {@link #parse} refuses a file that does not fit, naming the place ({@code /routes/1/p95}): the
 * schema's violations, then what the schema cannot say (a limit of 0, a route this host does not
 * serve, a route budgeted twice).
 */
final class BudgetFile {

    /** What a file holds: the route budgets in the file's order, and the web vitals' p75 limits (milliseconds; CLS's score). */
    record Content(List<RouteBudget> routes, EnumMap<WebVitals.Metric, Double> vitals) {
    }

    /**
     * A route's budget: limits on its latency percentiles, in milliseconds ({@code p95} → 250), and
     * on its error rate (5xx responses over all, 0 to 1), for one method or all ({@code method} null).
     */
    record RouteBudget(String route, String method, Map<String, Double> percentiles, Double errorRate) {

        /** {@code GET /api/things/{id}}, or the route alone when the budget is for every method. */
        String label() {
            return (method == null ? "" : method + " ") + route;
        }
    }

    /** The web vitals budgets when no file is named: web-vitals' "good" thresholds of the three Core Web Vitals. */
    static final Content BUILT_IN = new Content(List.of(), new EnumMap<>(Map.of(
            WebVitals.Metric.LCP, 2500.0, WebVitals.Metric.INP, 200.0, WebVitals.Metric.CLS, 0.1)));

    /** The percentiles a route budget may limit. */
    static final Map<String, Double> PERCENTILES = Map.of("p50", 50.0, "p90", 90.0, "p95", 95.0, "p99", 99.0);

    /** The largest latency limit believed: ten minutes, in milliseconds. */
    private static final double MAX_MILLIS = 600_000;

    private static final String SCHEMA = """
            {
              "type": "object",
              "additionalProperties": false,
              "properties": {
                "routes": {
                  "type": "array",
                  "maxItems": 500,
                  "items": {
                    "type": "object",
                    "additionalProperties": false,
                    "required": ["route"],
                    "properties": {
                      "route": {"type": "string", "pattern": "^/", "maxLength": 1024},
                      "method": {"enum": ["GET", "POST", "PUT", "DELETE", "PATCH"]},
                      "p50": {"$ref": "#/$defs/duration"},
                      "p90": {"$ref": "#/$defs/duration"},
                      "p95": {"$ref": "#/$defs/duration"},
                      "p99": {"$ref": "#/$defs/duration"},
                      "error_rate": {"$ref": "#/$defs/ratio"}
                    }
                  }
                },
                "vitals": {
                  "type": "object",
                  "additionalProperties": false,
                  "properties": {
                    "LCP": {"$ref": "#/$defs/duration"},
                    "INP": {"$ref": "#/$defs/duration"},
                    "FCP": {"$ref": "#/$defs/duration"},
                    "TTFB": {"$ref": "#/$defs/duration"},
                    "CLS": {"type": "number", "exclusiveMinimum": 0, "maximum": 10}
                  }
                }
              },
              "$defs": {
                "duration": {"type": "string", "pattern": "^[0-9]+(\\\\.[0-9]+)?(ms|s)$"},
                "ratio": {
                  "oneOf": [
                    {"type": "number", "minimum": 0, "maximum": 1},
                    {"type": "string", "pattern": "^[0-9]+(\\\\.[0-9]+)?%$"}
                  ]
                }
              }
            }""";

    private static final YAMLMapper YAML = YAMLMapper.builder().build();
    private static final Pattern DURATION = Pattern.compile("([0-9]+(?:\\.[0-9]+)?)(ms|s)");

    private final Schemas.JsonSchema schema;

    BudgetFile(Schemas schemas) {
        this.schema = schemas.compile(YAML.readTree(SCHEMA));
    }

    /** A file that is refused: the message names the place. */
    static final class RefusedException extends Exception {

        /** True when the file is refused only because a route is not served now: worth reading again when the routes change. */
        final boolean unknownRoute;

        RefusedException(String message, boolean unknownRoute) {
            super(message);
            this.unknownRoute = unknownRoute;
        }
    }

    /**
     * Reads a budgets file.
     *
     * @param served the routes the host serves now, which every route budget must name
     * @throws RefusedException saying what is wrong and where
     */
    Content parse(byte[] content, List<HostRoute> served) throws RefusedException {
        JsonNode root;
        try {
            root = YAML.readTree(content);
        } catch (JacksonException e) {
            throw new RefusedException("not YAML: " + e.getOriginalMessage()
                    + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")"), false);
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            return new Content(List.of(), new EnumMap<>(WebVitals.Metric.class));
        }
        List<Schemas.Violation> violations = schema.validate(root);
        if (!violations.isEmpty()) {
            throw new RefusedException(violations.getFirst().toString(), false);
        }
        List<RouteBudget> routes = new ArrayList<>();
        Map<String, String> seen = new HashMap<>();
        JsonNode list = root.path("routes");
        for (int i = 0; i < list.size(); i++) {
            JsonNode entry = list.get(i);
            String at = "/routes/" + i;
            String route = withoutRegex(entry.get("route").asString());
            String method = entry.has("method") ? entry.get("method").asString() : null;
            Map<String, Double> percentiles = new LinkedHashMap<>();
            for (String name : List.of("p50", "p90", "p95", "p99")) {
                if (entry.has(name)) {
                    percentiles.put(name, millis(entry.get(name).asString(), at + "/" + name));
                }
            }
            Double errorRate = entry.has("error_rate") ? ratio(entry.get("error_rate"), at + "/error_rate") : null;
            if (percentiles.isEmpty() && errorRate == null) {
                throw new RefusedException(at + ": a route budget limits at least one of p50, p90, p95, p99, error_rate", false);
            }
            String key = (method == null ? "*" : method) + " " + route;
            String before = seen.putIfAbsent(key, at);
            if (before != null) {
                throw new RefusedException(at + ": " + (method == null ? "" : method + " ") + route + " has a budget already, at " + before, false);
            }
            if (!served(route, method, served)) {
                throw new RefusedException(at + "/route: " + (method == null ? "" : method + " ") + route
                        + " is not a route this host serves now; the plugins' routes: " + pluginRoutes(served), true);
            }
            routes.add(new RouteBudget(route, method, percentiles, errorRate));
        }
        EnumMap<WebVitals.Metric, Double> vitals = new EnumMap<>(WebVitals.Metric.class);
        JsonNode limits = root.path("vitals");
        for (WebVitals.Metric metric : WebVitals.Metric.values()) {
            JsonNode limit = limits.get(metric.name());
            if (limit != null) {
                vitals.put(metric, metric.time ? millis(limit.asString(), "/vitals/" + metric.name()) : limit.asDouble());
            }
        }
        return new Content(routes, vitals);
    }

    private static double millis(String text, String at) throws RefusedException {
        Matcher matcher = DURATION.matcher(text);
        if (!matcher.matches()) {
            throw new RefusedException(at + ": '" + text + "' is not a duration such as 250ms or 2.5s", false);
        }
        double value = Double.parseDouble(matcher.group(1)) * (matcher.group(2).equals("s") ? 1000 : 1);
        if (value <= 0 || value > MAX_MILLIS) {
            throw new RefusedException(at + ": " + text + " is not a believable limit (above 0, at most 10 minutes)", false);
        }
        return value;
    }

    private static double ratio(JsonNode node, String at) throws RefusedException {
        // A number is 0 to 1 by the schema; a percentage is checked here.
        double value = node.isNumber() ? node.asDouble() : Double.parseDouble(node.asString().replace("%", "")) / 100;
        if (value > 1) {
            throw new RefusedException(at + ": " + node.asString() + " is more than every request", false);
        }
        return value;
    }

    /** Whether the host serves {@code route} now: a plugin's route of that template and method, or under one of the host's prefixes. */
    static boolean served(String route, String method, List<HostRoute> served) {
        for (HostRoute candidate : served) {
            String path = withoutRegex(candidate.path());
            boolean methodFits = method == null || candidate.method().equals("*") || candidate.method().equals(method);
            if (candidate.owner().equals("host")) {
                if (methodFits && (route.equals(path) || route.startsWith(path + "/"))) {
                    return true;
                }
            } else if (methodFits && route.equals(path)) {
                return true;
            }
        }
        return false;
    }

    private static String pluginRoutes(List<HostRoute> served) {
        List<String> routes = served.stream().filter(route -> !route.owner().equals("host"))
                .map(route -> route.method() + " " + withoutRegex(route.path())).distinct().toList();
        if (routes.isEmpty()) {
            return "none";
        }
        return String.join(", ", routes.subList(0, Math.min(routes.size(), 20))) + (routes.size() > 20 ? ", ..." : "");
    }

    /**
     * A template as the request timer names it: {@code {id: [0-9]+}} is {@code {id}} (as the host's
     * route templates leave the regular expression out), and no trailing slash.
     */
    static String withoutRegex(String template) {
        StringBuilder out = new StringBuilder(template.length());
        int i = 0;
        while (i < template.length()) {
            char c = template.charAt(i);
            if (c != '{') {
                out.append(c);
                i++;
                continue;
            }
            int depth = 0;
            int close = i;
            while (close < template.length()) {
                char d = template.charAt(close);
                depth += d == '{' ? 1 : d == '}' ? -1 : 0;
                if (depth == 0) {
                    break;
                }
                close++;
            }
            String parameter = template.substring(i + 1, Math.min(close, template.length()));
            int colon = parameter.indexOf(':');
            out.append('{').append((colon < 0 ? parameter : parameter.substring(0, colon)).strip()).append('}');
            i = close + 1;
        }
        while (out.length() > 1 && out.charAt(out.length() - 1) == '/') {
            out.setLength(out.length() - 1);
        }
        return out.toString();
    }
}
