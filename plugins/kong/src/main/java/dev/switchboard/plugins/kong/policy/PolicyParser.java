package dev.switchboard.plugins.kong.policy;

import dev.switchboard.api.Schemas;
import dev.switchboard.plugins.kong.jwt.JwtAlgorithm;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Reads a Kong declarative config ({@code _format_version: "3.0"}, YAML or JSON) into a
 * {@link Policy}. Everything the in-process gateway would enforce is checked here, and anything
 * it cannot enforce is refused rather than ignored: an unknown field, a plugin it does not run, a
 * consumer-scoped plugin. Entities that only matter to a proxy (upstreams, certificates, a
 * service's URL and timeouts) are accepted and left alone, so the same file loads in Kong.
 */
public final class PolicyParser {

    /** The plugins this gateway runs. */
    public static final Set<String> SUPPORTED_PLUGINS = Set.of("jwt", "rate-limiting", "cors", "request-size-limiting", "request-validator");

    private static final YAMLMapper YAML = YAMLMapper.builder().build();

    private static final Set<String> FORMAT_VERSIONS = Set.of("1.1", "2.1", "3.0");
    private static final Set<String> TOP_LEVEL = Set.of("_format_version", "_transform", "_comment", "_workspace", "_info", "consumers",
            "services", "routes", "plugins", "jwt_secrets", "upstreams", "targets", "certificates", "ca_certificates", "snis", "vaults",
            "keys", "key_sets", "parameters");
    private static final Set<String> CONSUMER_FIELDS = Set.of("id", "username", "custom_id", "tags", "jwt_secrets", "plugins", "acls",
            "keyauth_credentials", "basicauth_credentials", "hmacauth_credentials", "oauth2_credentials", "mtls_auth_credentials",
            "created_at", "updated_at");
    private static final Set<String> SECRET_FIELDS = Set.of("id", "key", "secret", "rsa_public_key", "algorithm", "tags", "consumer",
            "created_at");
    private static final Set<String> SERVICE_FIELDS = Set.of("id", "name", "url", "protocol", "host", "port", "path", "retries",
            "connect_timeout", "write_timeout", "read_timeout", "tags", "routes", "plugins", "enabled", "client_certificate",
            "tls_verify", "tls_verify_depth", "ca_certificates", "created_at", "updated_at");
    private static final Set<String> ROUTE_FIELDS = Set.of("id", "name", "paths", "methods", "hosts", "protocols", "strip_path",
            "preserve_host", "regex_priority", "path_handling", "https_redirect_status_code", "request_buffering",
            "response_buffering", "tags", "service", "plugins", "headers", "snis", "sources", "destinations", "created_at", "updated_at");
    private static final Set<String> UNSUPPORTED_ROUTE_MATCHERS = Set.of("headers", "snis", "sources", "destinations");
    private static final Set<String> PLUGIN_FIELDS = Set.of("id", "name", "config", "enabled", "route", "service", "consumer",
            "consumer_group", "protocols", "tags", "instance_name", "ordering", "created_at", "updated_at");
    private static final Set<String> METHODS = Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "CONNECT");

    private final Map<String, Consumer> consumers = new LinkedHashMap<>();
    private final Map<String, JwtCredential> credentials = new LinkedHashMap<>();
    private final Map<String, Policy.BasicCredential> basicCredentials = new LinkedHashMap<>();
    private final Map<String, Map<String, PluginConf>> servicePlugins = new HashMap<>();
    private final Map<String, Map<String, PluginConf>> routePlugins = new HashMap<>();
    private final Map<String, String> serviceIds = new HashMap<>();
    private final Map<String, String> routeIds = new HashMap<>();
    private final List<RouteDraft> routes = new ArrayList<>();
    private final Map<String, PluginConf> global = new LinkedHashMap<>();

    private record RouteDraft(Route route, String service) {
    }

    private final Schemas schemas;

    private PolicyParser(Schemas schemas) {
        this.schemas = schemas;
    }

    /**
     * Parses one file's text.
     *
     * @param source  named in errors and in the result (a path, usually)
     * @param schemas compiles the request validator's schemas (the host's, {@code Platform.schemas()})
     * @throws PolicyException naming the first offending path
     */
    public static Policy parse(byte[] text, String source, Schemas schemas) throws PolicyException {
        JsonNode json;
        try {
            json = YAML.readTree(new String(text, StandardCharsets.UTF_8));
        } catch (JacksonException e) {
            throw new PolicyException("not valid YAML or JSON: " + e.getOriginalMessage()
                    + (e.getLocation() != null ? " (line " + e.getLocation().getLineNr() + ")" : ""));
        }
        if (json == null || json.isMissingNode() || json.isNull()) {
            throw new PolicyException("the file is empty");
        }
        return new PolicyParser(schemas).read(Node.root(json), source);
    }

    private Policy read(Node root, String source) throws PolicyException {
        root.only(TOP_LEVEL);
        String version = root.field("_format_version").string().orElseThrow(() -> root.field("_format_version")
                .error("required field missing (use \"3.0\")"));
        if (!FORMAT_VERSIONS.contains(version)) {
            throw root.field("_format_version").error("expected \"3.0\" (or 1.1, 2.1), got \"" + version + "\"");
        }
        for (Node consumer : root.field("consumers").items()) {
            consumer(consumer);
        }
        for (Node secret : root.field("jwt_secrets").items()) {
            Node ref = secret.field("consumer");
            String name = ref.json() != null && ref.json().isObject() ? ref.field("id").string().orElse(ref.field("username").string("")) : ref.string("");
            Consumer owner = Optional.ofNullable(consumers.get(name)).orElseThrow(() -> ref.error("no consumer '" + name + "' in this file"));
            credential(secret, owner);
        }
        // Entities first, then plugins: a plugin may name a route defined further down.
        List<Node> pluginNodes = new ArrayList<>(root.field("plugins").items());
        for (Node service : root.field("services").items()) {
            service.only(SERVICE_FIELDS);
            String name = service.field("name").string().orElse(service.field("id").string("services[" + serviceIds.size() + "]"));
            service.field("id").string().ifPresent(id -> serviceIds.put(id, name));
            serviceIds.put(name, name);
            servicePlugins.putIfAbsent(name, new LinkedHashMap<>());
            for (Node route : service.field("routes").items()) {
                route(route, name);
            }
            for (Node plugin : service.field("plugins").items()) {
                plugin(plugin, servicePlugins.get(name));
            }
        }
        for (Node route : root.field("routes").items()) {
            String service = route.field("service").isNull() ? null : reference(route.field("service"), serviceIds, "service");
            route(route, service);
        }
        for (Node plugin : pluginNodes) {
            Map<String, PluginConf> scope = global;
            if (!plugin.field("route").isNull()) {
                scope = routePlugins.get(reference(plugin.field("route"), routeIds, "route"));
            } else if (!plugin.field("service").isNull()) {
                scope = servicePlugins.get(reference(plugin.field("service"), serviceIds, "service"));
            }
            plugin(plugin, scope);
        }
        for (Map<String, PluginConf> scope : routePlugins.values()) {
            checkAnonymous(scope.values(), root);
        }
        checkAnonymous(global.values(), root);

        List<Route> built = new ArrayList<>();
        for (RouteDraft draft : routes) {
            Map<String, PluginConf> effective = new LinkedHashMap<>(global);
            if (draft.service() != null) {
                effective.putAll(servicePlugins.getOrDefault(draft.service(), Map.of()));
            }
            effective.putAll(routePlugins.get(draft.route().name()));
            Route r = draft.route();
            built.add(new Route(r.name(), r.service(), r.prefixes(), r.regexes(), r.regexPriority(), r.methods(), r.hosts(), Map.copyOf(effective)));
        }
        Map<String, Consumer> lookup = new HashMap<>();
        for (Consumer consumer : new HashSet<>(consumers.values())) {
            lookup.put(consumer.id(), consumer);
            if (consumer.username() != null) {
                lookup.put(consumer.username(), consumer);
            }
        }
        return new Policy(source, List.copyOf(new java.util.LinkedHashSet<>(consumers.values())), Map.copyOf(credentials),
                Map.copyOf(lookup), List.copyOf(built), Map.copyOf(global), Map.copyOf(basicCredentials));
    }

    private void checkAnonymous(java.util.Collection<PluginConf> plugins, Node root) throws PolicyException {
        for (PluginConf plugin : plugins) {
            if (plugin instanceof JwtConf jwt && jwt.anonymous() != null && !consumers.containsKey(jwt.anonymous())) {
                throw root.field("plugins").error("the jwt plugin's anonymous consumer '" + jwt.anonymous() + "' is not in this file");
            }
        }
    }

    private void consumer(Node node) throws PolicyException {
        node.only(CONSUMER_FIELDS);
        Optional<String> username = node.field("username").string();
        Optional<String> customId = node.field("custom_id").string();
        if (username.isEmpty() && customId.isEmpty()) {
            throw node.error("a consumer needs a username or a custom_id");
        }
        if (!node.field("plugins").items().isEmpty()) {
            throw node.field("plugins").error("consumer-scoped plugins are not supported: configure them on a route, a service or globally");
        }
        String id = node.field("id").string().orElseGet(() -> UUID.nameUUIDFromBytes(
                ("consumer:" + username.orElse("") + ":" + customId.orElse("")).getBytes(StandardCharsets.UTF_8)).toString());
        List<String> groups = new ArrayList<>();
        for (Node acl : node.field("acls").items()) {
            acl.only(Set.of("id", "group", "tags", "created_at", "consumer"));
            groups.add(acl.field("group").requiredString());
        }
        Consumer consumer = new Consumer(id, username.orElse(null), customId.orElse(null), groups);
        for (String key : new String[] {id, username.orElse(null)}) {
            if (key != null && consumers.putIfAbsent(key, consumer) != null) {
                throw node.error("another consumer already uses the name or id '" + key + "'");
            }
        }
        for (Node secret : node.field("jwt_secrets").items()) {
            credential(secret, consumer);
        }
        for (Node basic : node.field("basicauth_credentials").items()) {
            basic.only(Set.of("id", "username", "password", "tags", "created_at", "consumer"));
            String name = basic.field("username").requiredString();
            String password = basic.field("password").requiredString();
            if (basicCredentials.putIfAbsent(name, new Policy.BasicCredential(name, password, consumer)) != null) {
                throw basic.field("username").error("another basic-auth credential already uses the username '" + name + "'");
            }
        }
    }

    private void credential(Node node, Consumer consumer) throws PolicyException {
        node.only(SECRET_FIELDS);
        String key = node.field("key").requiredString();
        String algorithmName = node.field("algorithm").string("HS256");
        JwtAlgorithm algorithm = JwtAlgorithm.named(algorithmName).orElseThrow(() -> node.field("algorithm").error(
                "expected one of HS256, HS384, HS512, RS256, RS384, RS512, ES256, ES384, ES512, PS256, PS384, PS512, EdDSA, got '"
                        + algorithmName + "'"));
        String secret = node.field("secret").string().orElse(null);
        PublicKey publicKey = null;
        if (algorithm.symmetric()) {
            if (secret == null || secret.isEmpty()) {
                throw node.field("secret").error(algorithm + " needs a secret");
            }
            if (secret.getBytes(StandardCharsets.UTF_8).length * 8 < Integer.parseInt(algorithm.name().substring(2))) {
                // A base64 secret (secret_is_base64) is checked again once decoded.
                boolean mayBeBase64 = secret.length() * 6 >= Integer.parseInt(algorithm.name().substring(2));
                if (!mayBeBase64) {
                    throw node.field("secret").error(algorithm + " needs a secret of at least "
                            + Integer.parseInt(algorithm.name().substring(2)) / 8 + " bytes (RFC 7518 §3.2)");
                }
            }
        } else {
            String pem = node.field("rsa_public_key").string().orElseThrow(() -> node.field("rsa_public_key").error(
                    algorithm + " needs rsa_public_key: the PEM public key that verifies the tokens"));
            try {
                publicKey = PemKeys.parse(pem);
            } catch (IllegalArgumentException e) {
                throw node.field("rsa_public_key").error(e.getMessage());
            }
            Optional<String> unsuitable = algorithm.unsuitable(publicKey);
            if (unsuitable.isPresent()) {
                throw node.field("rsa_public_key").error(unsuitable.get());
            }
        }
        String id = node.field("id").string().orElseGet(() -> UUID.nameUUIDFromBytes(("jwt:" + key).getBytes(StandardCharsets.UTF_8)).toString());
        if (credentials.putIfAbsent(key, new JwtCredential(id, key, algorithm, secret, publicKey, consumer)) != null) {
            throw node.field("key").error("another credential already uses the key '" + key + "' (keys are unique, as in Kong)");
        }
    }

    private void route(Node node, String service) throws PolicyException {
        node.only(ROUTE_FIELDS);
        for (String matcher : UNSUPPORTED_ROUTE_MATCHERS) {
            if (!node.field(matcher).isNull() && !(node.field(matcher).json().isEmpty())) {
                throw node.field(matcher).error("routes matched by " + matcher + " are not supported by the in-process gateway");
            }
        }
        String name = node.field("name").string().orElse(node.field("id").string().orElse("routes[" + routes.size() + "]"));
        if (routePlugins.containsKey(name)) {
            throw node.field("name").error("another route is already named '" + name + "'");
        }
        node.field("id").string().ifPresent(id -> routeIds.put(id, name));
        routeIds.put(name, name);
        List<String> prefixes = new ArrayList<>();
        List<Pattern> regexes = new ArrayList<>();
        List<Node> paths = node.field("paths").items();
        for (Node path : paths) {
            String value = path.requiredString();
            if (value.startsWith("~")) {
                try {
                    regexes.add(Pattern.compile(value.substring(1)));
                } catch (PatternSyntaxException e) {
                    throw path.error("not a valid regular expression: " + e.getDescription());
                }
            } else if (value.startsWith("/")) {
                prefixes.add(value);
            } else {
                throw path.error("a path starts with / (a prefix) or ~ (a regular expression), got '" + value + "'");
            }
        }
        Set<String> methods = new HashSet<>();
        for (String method : node.field("methods").strings(List.of())) {
            String upper = method.toUpperCase(Locale.ROOT);
            if (!METHODS.contains(upper)) {
                throw node.field("methods").error("unknown method '" + method + "'");
            }
            methods.add(upper);
        }
        List<String> hosts = node.field("hosts").strings(List.of());
        if (paths.isEmpty() && methods.isEmpty() && hosts.isEmpty()) {
            throw node.error("a route needs paths, methods or hosts (as in Kong)");
        }
        int regexPriority = node.field("regex_priority").integer(-1_000_000, 1_000_000).orElse(0L).intValue();
        routePlugins.put(name, new LinkedHashMap<>());
        routes.add(new RouteDraft(new Route(name, service, List.copyOf(prefixes), List.copyOf(regexes), regexPriority, Set.copyOf(methods),
                hosts, Map.of()), service));
        for (Node plugin : node.field("plugins").items()) {
            plugin(plugin, routePlugins.get(name));
        }
    }

    private void plugin(Node node, Map<String, PluginConf> scope) throws PolicyException {
        node.only(PLUGIN_FIELDS);
        String name = node.field("name").requiredString();
        if (!node.field("consumer").isNull() || !node.field("consumer_group").isNull()) {
            throw node.field("consumer").error("consumer-scoped plugins are not supported: configure them on a route, a service or globally");
        }
        boolean enabled = node.field("enabled").bool(true);
        if (!SUPPORTED_PLUGINS.contains(name)) {
            if (!enabled) {
                return;
            }
            throw node.field("name").error("the plugin '" + name + "' is not run by Switchboard's in-process gateway (it runs "
                    + String.join(", ", new java.util.TreeSet<>(SUPPORTED_PLUGINS)) + "); disable it here or remove it");
        }
        Node config = node.field("config");
        PluginConf conf = switch (name) {
            case "jwt" -> JwtConf.parse(config);
            case "rate-limiting" -> RateLimitConf.parse(config.isNull() ? config.object() : config);
            case "cors" -> CorsConf.parse(config);
            case "request-size-limiting" -> RequestSizeConf.parse(config);
            case "request-validator" -> RequestValidatorConf.parse(config.isNull() ? config.object() : config, schemas);
            default -> throw new IllegalStateException(name);
        };
        if (!enabled) {
            return;
        }
        if (scope.putIfAbsent(name, conf) != null) {
            throw node.field("name").error("the plugin '" + name + "' is configured twice on the same scope");
        }
    }

    private static String reference(Node node, Map<String, String> known, String kind) throws PolicyException {
        String ref = node.json() != null && node.json().isObject()
                ? node.field("id").string().orElse(node.field("name").string(""))
                : node.string("");
        String resolved = known.get(ref);
        if (resolved == null) {
            throw node.error("no " + kind + " '" + ref + "' in this file");
        }
        return resolved;
    }
}
