package dev.switchboard.plugins.kong.policy;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The {@code config} of a Kong {@code rate-limiting} plugin entry, with Kong 3.9's defaults.
 *
 * @param limits      the limit of each configured period, shortest period first
 * @param headerName  the header identifying the caller when {@code limitBy} is {@code header}
 * @param path        the path counted when {@code limitBy} is {@code path}
 * @param redis       where the {@code redis} policy keeps its counters; null for {@code local}
 */
public record RateLimitConf(Map<Period, Long> limits, String limitBy, String headerName, String path, String policy,
                            boolean faultTolerant, boolean hideClientHeaders, int errorCode, String errorMessage,
                            Redis redis) implements PluginConf {

    /** Kong's fixed windows. {@code seconds} is what Kong uses to compute {@code RateLimit-Reset}. */
    public enum Period {
        SECOND(1), MINUTE(60), HOUR(3_600), DAY(86_400), MONTH(2_592_000), YEAR(31_536_000);

        public final long seconds;

        Period(long seconds) {
            this.seconds = seconds;
        }

        public String field() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** As in Kong's headers: {@code Minute}. */
        public String title() {
            return name().charAt(0) + name().substring(1).toLowerCase(Locale.ROOT);
        }
    }

    /** A Redis server: Kong's {@code config.redis} (or the older flat {@code redis_*} fields). */
    public record Redis(String host, int port, int timeoutMillis, String username, String password, int database, boolean ssl,
                        boolean sslVerify, String serverName) {

        /** Where the server is, never the password. */
        @Override
        public String toString() {
            return (ssl ? "rediss://" : "redis://") + host + ":" + port + "/" + database;
        }
    }

    private static final Set<String> REDIS_FIELDS = Set.of("host", "port", "timeout", "connect_timeout", "send_timeout", "read_timeout",
            "username", "password", "database", "ssl", "ssl_verify", "server_name", "keepalive_pool_size", "keepalive_backlog",
            "sentinel_master", "sentinel_role", "sentinel_nodes", "sentinel_username", "sentinel_password", "cluster_nodes",
            "cluster_max_redirections", "connection_is_proxied");

    private static final Set<String> LEGACY_REDIS = Set.of("redis_host", "redis_port", "redis_password", "redis_username",
            "redis_ssl", "redis_ssl_verify", "redis_server_name", "redis_timeout", "redis_database");

    static final Set<String> FIELDS;

    static {
        Set<String> fields = new java.util.HashSet<>(Set.of("limit_by", "header_name", "path", "policy", "fault_tolerant",
                "hide_client_headers", "error_code", "error_message", "redis", "sync_rate"));
        for (Period period : Period.values()) {
            fields.add(period.field());
        }
        fields.addAll(LEGACY_REDIS);
        FIELDS = Set.copyOf(fields);
    }

    static RateLimitConf parse(Node config) throws PolicyException {
        config.only(FIELDS);
        Map<Period, Long> limits = new LinkedHashMap<>();
        for (Period period : Period.values()) {
            Optional<Long> limit = config.field(period.field()).integer(0, Long.MAX_VALUE / 2);
            if (limit.isPresent()) {
                if (limit.get() == 0) {
                    throw config.field(period.field()).error("expected a limit greater than 0");
                }
                limits.put(period, limit.get());
            }
        }
        if (limits.isEmpty()) {
            throw config.error("at least one of these fields must be set: second, minute, hour, day, month, year");
        }
        Period shorter = null;
        for (Map.Entry<Period, Long> entry : limits.entrySet()) {
            if (shorter != null && entry.getValue() < limits.get(shorter)) {
                throw config.field(entry.getKey().field()).error("the limit for " + entry.getKey().field() + " (" + entry.getValue()
                        + ") cannot be lower than the limit for " + shorter.field() + " (" + limits.get(shorter) + ")");
            }
            shorter = entry.getKey();
        }
        String limitBy = config.field("limit_by").oneOf("consumer", Set.of("consumer", "credential", "ip", "header", "path",
                "service", "consumer-group"));
        if (limitBy.equals("consumer-group")) {
            throw config.field("limit_by").error("consumer-group is not supported: this gateway has no consumer groups");
        }
        String headerName = config.field("header_name").string().orElse(null);
        if (limitBy.equals("header") && (headerName == null || headerName.isBlank())) {
            throw config.field("header_name").error("required when limit_by is header");
        }
        String path = config.field("path").string().orElse(null);
        if (limitBy.equals("path") && (path == null || !path.startsWith("/"))) {
            throw config.field("path").error("required when limit_by is path, starting with /");
        }
        String policy = config.field("policy").oneOf("local", Set.of("local", "cluster", "redis"));
        if (policy.equals("cluster")) {
            throw config.field("policy").error("cluster keeps counters in Kong's database, which Switchboard has not: use local or redis");
        }
        int errorCode = config.field("error_code").integer(400, 599).orElse(429L).intValue();
        return new RateLimitConf(Map.copyOf(limits), limitBy, headerName, path, policy,
                config.field("fault_tolerant").bool(true), config.field("hide_client_headers").bool(false), errorCode,
                config.field("error_message").string("API rate limit exceeded"),
                policy.equals("redis") ? redis(config) : null);
    }

    private static Redis redis(Node config) throws PolicyException {
        Node redis = config.field("redis");
        boolean nested = redis.has("host");
        if (!redis.isNull()) {
            redis.only(REDIS_FIELDS);
        }
        Node host = nested ? redis.field("host") : config.field("redis_host");
        if (host.string().isEmpty()) {
            throw config.field("redis").field("host").error("required when policy is redis");
        }
        Node port = nested ? redis.field("port") : config.field("redis_port");
        Node timeout = nested ? redis.field("timeout") : config.field("redis_timeout");
        Node username = nested ? redis.field("username") : config.field("redis_username");
        Node password = nested ? redis.field("password") : config.field("redis_password");
        Node database = nested ? redis.field("database") : config.field("redis_database");
        Node ssl = nested ? redis.field("ssl") : config.field("redis_ssl");
        Node sslVerify = nested ? redis.field("ssl_verify") : config.field("redis_ssl_verify");
        Node serverName = nested ? redis.field("server_name") : config.field("redis_server_name");
        return new Redis(host.string().get(), port.integer(1, 65_535).orElse(6379L).intValue(),
                timeout.integer(1, Integer.MAX_VALUE).orElse(2000L).intValue(), username.string().orElse(null),
                password.string().orElse(null), database.integer(0, 10_000).orElse(0L).intValue(), ssl.bool(false),
                sslVerify.bool(false), serverName.string().orElse(null));
    }

    /** The most limiting configured limit: headers and windows use the shortest period first. */
    public Map<Period, Long> limits() {
        Map<Period, Long> ordered = new LinkedHashMap<>();
        for (Period period : Period.values()) {
            if (limits.containsKey(period)) {
                ordered.put(period, limits.get(period));
            }
        }
        return ordered;
    }

    @Override
    public String name() {
        return "rate-limiting";
    }
}
