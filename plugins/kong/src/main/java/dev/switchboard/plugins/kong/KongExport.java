package dev.switchboard.plugins.kong;

import dev.switchboard.api.HostRoute;
import dev.switchboard.api.PluginCommand;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * {@code switchboard kong export}: a Kong declarative config for a real Kong in front of
 * Switchboard. It is the policy file in force (consumers, plugins, and the routes and services it
 * scopes them with), plus a route for every route Switchboard serves that the policy does not
 * name; long-lived streams (events, MCP) go to a second service whose timeouts do not cut them.
 * Secrets are written as decK environment references unless {@code --include-secrets}.
 */
final class KongExport implements PluginCommand {

    static final String USAGE = """
            Usage: switchboard kong export [--output FILE] [--upstream URL] [--stream-timeout MS] [--include-secrets] [--include-admin]
              --output FILE        write kong.yml there (default: standard output)
              --upstream URL       where Kong reaches Switchboard (default http://127.0.0.1:8080)
              --stream-timeout MS  read/write timeout of the streams' service (default 3600000: one hour)
              --include-secrets    write JWT secrets and passwords themselves, not ${{ env "DECK_..." }} references
              --include-admin      export /admin too (by default the admin API is not put behind a public Kong)""";

    private static final YAMLMapper YAML = YAMLMapper.builder().build();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final Gateway gateway;
    private final Supplier<List<HostRoute>> routes;

    KongExport(Gateway gateway, Supplier<List<HostRoute>> routes) {
        this.gateway = gateway;
        this.routes = routes;
    }

    private record Options(Path output, String upstream, long streamTimeout, boolean secrets, boolean admin) {
    }

    @Override
    public int run(List<String> args, PrintStream out, PrintStream err) throws Exception {
        Options options;
        try {
            options = options(args);
        } catch (IllegalArgumentException e) {
            err.println("switchboard kong export: " + e.getMessage());
            err.println(USAGE);
            return 2;
        }
        if (options == null) {
            out.println(USAGE);
            return 0;
        }
        byte[] policy = gateway.source().map(source -> source.state().content()).orElse(null);
        if (policy == null) {
            err.println("switchboard kong export: no policy in force (kong.declarative_config); exporting services and routes only");
        }
        String yaml = YAML.writeValueAsString(export(policy, options));
        if (options.output() == null) {
            out.print(yaml);
        } else {
            Files.writeString(options.output(), yaml, StandardCharsets.UTF_8);
            err.println("switchboard kong export: wrote " + options.output().toAbsolutePath());
        }
        return 0;
    }

    private static Options options(List<String> args) {
        Path output = null;
        String upstream = "http://127.0.0.1:8080";
        long timeout = 3_600_000;
        boolean secrets = false;
        boolean admin = false;
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            switch (arg) {
                case "--help", "-h" -> {
                    return null;
                }
                case "--output", "-o" -> output = Path.of(value(args, ++i, arg));
                case "--upstream" -> {
                    upstream = value(args, ++i, arg);
                    if (!upstream.matches("https?://[^/\\s]+(/\\S*)?")) {
                        throw new IllegalArgumentException("--upstream needs an http:// or https:// URL, got '" + upstream + "'");
                    }
                }
                case "--stream-timeout" -> {
                    try {
                        timeout = Long.parseLong(value(args, ++i, arg));
                    } catch (NumberFormatException e) {
                        timeout = -1;
                    }
                    if (timeout < 1 || timeout > 2_147_483_646) {
                        throw new IllegalArgumentException("--stream-timeout needs milliseconds from 1 to 2147483646");
                    }
                }
                case "--include-secrets" -> secrets = true;
                case "--include-admin" -> admin = true;
                default -> throw new IllegalArgumentException("unknown argument '" + arg + "'");
            }
        }
        return new Options(output, upstream, timeout, secrets, admin);
    }

    private static String value(List<String> args, int index, String option) {
        if (index >= args.size()) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args.get(index);
    }

    ObjectNode export(byte[] policy, Options options) {
        ObjectNode source = policy == null ? NODES.objectNode() : (ObjectNode) YAML.readTree(policy);
        ObjectNode root = NODES.objectNode();
        root.put("_format_version", "3.0");

        ArrayNode services = source.has("services") ? ((ArrayNode) source.get("services")).deepCopy() : NODES.arrayNode();
        ObjectNode main;
        if (services.isEmpty()) {
            main = services.addObject().put("name", "switchboard").put("url", options.upstream());
        } else {
            main = (ObjectNode) services.get(0);
        }
        String mainName = main.has("name") ? main.get("name").asString() : "switchboard";
        main.put("name", mainName);
        Set<String> covered = new HashSet<>();
        Set<String> routeNames = new HashSet<>();
        for (JsonNode service : services) {
            for (JsonNode route : iterable(service.get("routes"))) {
                keepPaths((ObjectNode) route, covered, routeNames);
            }
        }
        ArrayNode topRoutes = source.has("routes") ? ((ArrayNode) source.get("routes")).deepCopy() : null;
        for (JsonNode route : iterable(topRoutes)) {
            keepPaths((ObjectNode) route, covered, routeNames);
            if (!route.has("service")) {
                ((ObjectNode) route).putObject("service").put("name", mainName);
            }
        }

        ObjectNode streams = NODES.objectNode().put("name", mainName + "-streams")
                .put("url", main.has("url") ? main.get("url").asString() : options.upstream())
                .put("read_timeout", options.streamTimeout()).put("write_timeout", options.streamTimeout());
        Map<String, Set<String>> methods = new LinkedHashMap<>();
        Map<String, Boolean> streaming = new LinkedHashMap<>();
        for (HostRoute route : routes.get()) {
            String prefix = prefix(route.path());
            if (!options.admin() && (prefix.equals("/admin") || prefix.startsWith("/admin/"))) {
                continue;
            }
            methods.computeIfAbsent(prefix, p -> new TreeSet<>()).add(route.method());
            streaming.merge(prefix, route.streaming(), Boolean::logicalOr);
        }
        for (Map.Entry<String, Set<String>> entry : methods.entrySet()) {
            String prefix = entry.getKey();
            if (covered.contains(prefix)) {
                continue;
            }
            ObjectNode route = NODES.objectNode();
            route.put("name", unique("switchboard" + slug(prefix), routeNames));
            route.putArray("paths").add(prefix);
            if (!entry.getValue().contains("*")) {
                ArrayNode list = route.putArray("methods");
                entry.getValue().forEach(list::add);
            }
            route.put("strip_path", false);
            ObjectNode service = streaming.get(prefix) ? streams : main;
            (service.has("routes") ? (ArrayNode) service.get("routes") : service.putArray("routes")).add(route);
        }
        if (streams.has("routes")) {
            services.add(streams);
        }
        root.set("services", services);
        if (topRoutes != null) {
            root.set("routes", topRoutes);
        }
        if (source.has("plugins")) {
            root.set("plugins", ((ArrayNode) source.get("plugins")).deepCopy());
        }
        if (source.has("consumers")) {
            ArrayNode consumers = ((ArrayNode) source.get("consumers")).deepCopy();
            for (JsonNode consumer : consumers) {
                String name = consumer.has("username") ? consumer.get("username").asString() : consumer.path("custom_id").asString("consumer");
                for (JsonNode secret : iterable(consumer.get("jwt_secrets"))) {
                    credential((ObjectNode) secret, options.secrets());
                }
                for (JsonNode basic : iterable(consumer.get("basicauth_credentials"))) {
                    if (!options.secrets()) {
                        ((ObjectNode) basic).put("password", reference("BASICAUTH_PASSWORD", basic.path("username").asString(name)));
                    }
                }
            }
            root.set("consumers", consumers);
        }
        if (source.has("jwt_secrets")) {
            ArrayNode secrets = ((ArrayNode) source.get("jwt_secrets")).deepCopy();
            secrets.forEach(secret -> credential((ObjectNode) secret, options.secrets()));
            root.set("jwt_secrets", secrets);
        }
        if (!options.secrets()) {
            maskRedisPasswords(root, new int[1]);
        }
        return root;
    }

    /** A policy route keeps its paths (the export adds no second route for them) and must not strip them. */
    private static void keepPaths(ObjectNode route, Set<String> covered, Set<String> names) {
        for (JsonNode path : iterable(route.get("paths"))) {
            covered.add(path.asString());
        }
        if (route.has("name")) {
            names.add(route.get("name").asString());
        }
        if (!route.has("strip_path")) {
            // Kong strips the matched prefix by default; Switchboard needs the whole path.
            route.put("strip_path", false);
        }
    }

    private static void credential(ObjectNode secret, boolean include) {
        if (!secret.has("algorithm")) {
            secret.put("algorithm", "HS256");
        }
        if (!include && secret.has("secret")) {
            secret.put("secret", reference("JWT_SECRET", secret.path("key").asString("")));
        }
    }

    /** Every rate-limiting config's Redis password, wherever the plugin is scoped, becomes a reference. */
    private static void maskRedisPasswords(JsonNode node, int[] count) {
        if (node.isObject() && node.get("config") instanceof ObjectNode config && node.path("name").asString("").equals("rate-limiting")) {
            if (config.has("redis_password") || config.path("redis").has("password")) {
                String reference = reference("REDIS_PASSWORD", Integer.toString(++count[0]));
                if (config.has("redis_password")) {
                    config.put("redis_password", reference);
                }
                if (config.get("redis") instanceof ObjectNode redis && redis.has("password")) {
                    redis.put("password", reference);
                }
            }
        }
        for (JsonNode child : node) {
            maskRedisPasswords(child, count);
        }
    }

    /** A decK environment reference: decK reads the value from {@code DECK_<KIND>_<NAME>} when it syncs. */
    static String reference(String kind, String name) {
        return "${{ env \"DECK_" + kind + "_" + name.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]+", "_") + "\" }}";
    }

    /** A JAX-RS template as a Kong prefix path: everything before its first variable, without a trailing slash. */
    static String prefix(String template) {
        int variable = template.indexOf('{');
        String prefix = variable < 0 ? template : template.substring(0, variable);
        while (prefix.length() > 1 && prefix.endsWith("/")) {
            prefix = prefix.substring(0, prefix.length() - 1);
        }
        return prefix.isEmpty() ? "/" : prefix;
    }

    private static String slug(String path) {
        String slug = path.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("-+$", "");
        return slug.isEmpty() ? "-root" : slug;
    }

    private static String unique(String name, Set<String> taken) {
        String candidate = name;
        for (int i = 2; !taken.add(candidate); i++) {
            candidate = name + "-" + i;
        }
        return candidate;
    }

    private static Iterable<JsonNode> iterable(JsonNode node) {
        List<JsonNode> items = new ArrayList<>();
        if (node != null && node.isArray()) {
            node.forEach(items::add);
        }
        return items;
    }
}
