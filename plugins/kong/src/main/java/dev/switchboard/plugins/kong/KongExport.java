package dev.switchboard.plugins.kong;

import dev.switchboard.api.HostRoute;
import dev.switchboard.api.PluginCommand;
import dev.switchboard.api.RequestView;
import dev.switchboard.plugins.kong.policy.Policy;
import dev.switchboard.plugins.kong.policy.Route;
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
import java.util.Optional;
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
            writePrivately(options.output(), yaml);
            err.println("switchboard kong export: wrote " + options.output().toAbsolutePath());
        }
        return 0;
    }

    /** The file may hold secrets (--include-secrets): readable by its owner only, where the file system says so. */
    private static void writePrivately(Path file, String text) throws java.io.IOException {
        Files.deleteIfExists(file);
        try {
            Files.createFile(file, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                    java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            Files.createFile(file);
        }
        Files.writeString(file, text, StandardCharsets.UTF_8);
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

    ObjectNode export(byte[] policyText, Options options) {
        ObjectNode source = policyText == null ? NODES.objectNode() : (ObjectNode) YAML.readTree(policyText);
        Policy policy = gateway.policy().orElse(null);
        ObjectNode root = NODES.objectNode();
        root.put("_format_version", "3.0");

        ArrayNode services = source.has("services") ? ((ArrayNode) source.get("services")).deepCopy() : NODES.arrayNode();
        String url = services.isEmpty() || !services.get(0).has("url") ? options.upstream() : services.get(0).get("url").asString();
        Set<String> routeNames = new HashSet<>();
        Set<String> serviceNames = new HashSet<>();
        for (JsonNode service : services) {
            serviceNames.add(service.path("name").asString(""));
            for (JsonNode route : iterable(service.get("routes"))) {
                keepPaths((ObjectNode) route, routeNames);
            }
        }
        ArrayNode topRoutes = source.has("routes") ? ((ArrayNode) source.get("routes")).deepCopy() : null;
        String base = services.isEmpty() ? "switchboard" : services.get(0).path("name").asString("switchboard");
        // The routes the export adds belong to services of its own, without service-scoped plugins, so
        // that in Kong they get exactly what they get here: the global plugins.
        ObjectNode others = NODES.objectNode().put("name", unique(base + (services.isEmpty() ? "" : "-routes"), serviceNames))
                .put("url", url);
        ObjectNode streams = NODES.objectNode().put("name", unique(base + "-streams", serviceNames)).put("url", url)
                .put("read_timeout", options.streamTimeout()).put("write_timeout", options.streamTimeout());
        for (JsonNode route : iterable(topRoutes)) {
            keepPaths((ObjectNode) route, routeNames);
            if (!route.has("service")) {
                ((ObjectNode) route).putObject("service").put("name", others.get("name").asString());
            }
        }

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
            String method = entry.getValue().stream().filter(m -> !m.equals("*")).findFirst().orElse("GET");
            Route covering = policy == null ? null : policy.match(new PathOnly(method, prefix)).route();
            if (covering != null) {
                // A policy route already takes these requests, with its plugins. A stream under it still
                // needs the streams service's timeouts: a copy of that route, plugins and all, goes there.
                if (streaming.get(prefix)) {
                    add(streams, streamCopy(source, covering, prefix, routeNames));
                }
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
            add(streaming.get(prefix) ? streams : others, route);
        }
        if (others.has("routes") || topRoutes != null && topRoutes.valueStream().anyMatch(r -> r.at("/service/name").asString("")
                .equals(others.get("name").asString()))) {
            services.add(others);
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
                maskCredentials((ObjectNode) consumer, options.secrets());
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

    private static void add(ObjectNode service, ObjectNode route) {
        (service.has("routes") ? (ArrayNode) service.get("routes") : service.putArray("routes")).add(route);
    }

    /**
     * A copy of the policy route {@code covering}, for {@code prefix} only, carrying every plugin
     * that applies to it here: its own, its service's, and top-level entries scoped to either.
     */
    private static ObjectNode streamCopy(ObjectNode source, Route covering, String prefix, Set<String> routeNames) {
        ObjectNode copy = NODES.objectNode();
        ArrayNode plugins = NODES.arrayNode();
        String serviceName = null;
        String serviceId = null;
        ObjectNode original = null;
        for (JsonNode service : iterable(source.get("services"))) {
            for (JsonNode route : iterable(service.get("routes"))) {
                if (named(route, covering.name())) {
                    original = (ObjectNode) route;
                    serviceName = service.path("name").asString(null);
                    serviceId = service.path("id").asString(null);
                    iterable(service.get("plugins")).forEach(plugin -> plugins.add(plugin.deepCopy()));
                }
            }
        }
        for (JsonNode route : iterable(source.get("routes"))) {
            if (named(route, covering.name())) {
                original = (ObjectNode) route;
                serviceName = route.at("/service/name").asString(route.path("service").isString() ? route.get("service").asString() : null);
            }
        }
        if (original != null) {
            for (String field : original.propertyNames()) {
                if (!field.equals("plugins") && !field.equals("service") && !field.equals("id")) {
                    copy.set(field, original.get(field).deepCopy());
                }
            }
            iterable(original.get("plugins")).forEach(plugin -> plugins.add(plugin.deepCopy()));
        }
        for (JsonNode plugin : iterable(source.get("plugins"))) {
            boolean onRoute = plugin.has("route") && named(plugin.get("route"), covering.name());
            boolean onService = plugin.has("service") && serviceName != null
                    && (named(plugin.get("service"), serviceName) || serviceId != null && named(plugin.get("service"), serviceId));
            if (onRoute || onService) {
                ObjectNode scoped = (ObjectNode) plugin.deepCopy();
                scoped.remove("route");
                scoped.remove("service");
                plugins.add(scoped);
            }
        }
        copy.put("name", unique(covering.name() + "-stream", routeNames));
        copy.set("paths", NODES.arrayNode().add(prefix));
        copy.put("strip_path", false);
        if (!plugins.isEmpty()) {
            copy.set("plugins", dedupe(plugins));
        }
        return copy;
    }

    /** A route's plugins take precedence over its service's of the same name, as in Kong. */
    private static ArrayNode dedupe(ArrayNode plugins) {
        Map<String, JsonNode> byName = new LinkedHashMap<>();
        plugins.forEach(plugin -> byName.put(plugin.path("name").asString(""), plugin));
        ArrayNode unique = NODES.arrayNode();
        byName.values().forEach(unique::add);
        return unique;
    }

    private static boolean named(JsonNode node, String name) {
        if (node.isString()) {
            return node.asString().equals(name);
        }
        return name.equals(node.path("name").asString(null)) || name.equals(node.path("id").asString(null));
    }

    /** Secrets of every credential type Kong's consumers may hold, as decK references unless asked. */
    private static void maskCredentials(ObjectNode consumer, boolean include) {
        String name = consumer.has("username") ? consumer.get("username").asString() : consumer.path("custom_id").asString("consumer");
        for (JsonNode secret : iterable(consumer.get("jwt_secrets"))) {
            credential((ObjectNode) secret, include);
        }
        if (include) {
            return;
        }
        mask(consumer, "basicauth_credentials", "password", "BASICAUTH_PASSWORD", "username", name);
        mask(consumer, "keyauth_credentials", "key", "KEYAUTH_KEY", "id", name);
        mask(consumer, "hmacauth_credentials", "secret", "HMACAUTH_SECRET", "username", name);
        mask(consumer, "oauth2_credentials", "client_secret", "OAUTH2_CLIENT_SECRET", "client_id", name);
    }

    private static void mask(ObjectNode consumer, String list, String field, String kind, String nameField, String consumerName) {
        int n = 0;
        for (JsonNode credential : iterable(consumer.get(list))) {
            n++;
            if (credential.has(field)) {
                String label = credential.path(nameField).asString(consumerName + "_" + n);
                ((ObjectNode) credential).put(field, reference(kind, label));
            }
        }
    }

    /** A request of one method to one path, for asking the policy which route takes it. */
    private record PathOnly(String method, String path) implements RequestView {
        public Optional<String> query() { return Optional.empty(); }
        public Optional<String> queryParam(String name) { return Optional.empty(); }
        public Optional<String> header(String name) { return Optional.empty(); }
        public List<String> headers(String name) { return List.of(); }
        public Optional<String> cookie(String name) { return Optional.empty(); }
        public String remoteAddress() { return "127.0.0.1"; }
        public boolean secure() { return false; }
    }

    /** A policy route keeps its name (taken) and must not strip its paths. */
    private static void keepPaths(ObjectNode route, Set<String> names) {
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
