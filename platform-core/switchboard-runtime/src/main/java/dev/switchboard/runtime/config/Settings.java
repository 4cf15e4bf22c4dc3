package dev.switchboard.runtime.config;

import java.time.Duration;
import java.util.List;

/**
 * The host's own configuration keys, bound from {@code switchboard.yaml} after environment and
 * flag overrides, validation and defaults (see {@code switchboard.schema.json}, which documents
 * each key). Plugin sections are not here: see {@link PluginSections}.
 */
public record Settings(
        String host,
        int port,
        boolean http2,
        Tls tls,
        Limits limits,
        Shutdown shutdown,
        PluginSettings plugins,
        HealthSettings health,
        AdminSettings admin,
        EventSettings events,
        AuthSettings auth,
        SkillSettings skills,
        McpSettings mcp) {

    public record Tls(boolean enabled, int port, String keystore, String keystorePassword, String keystoreType, boolean http2) {
    }

    public record Limits(ByteSize maxRequestBody, ByteSize maxRequestHeaders, Duration idleTimeout, int headerCacheSize, int acceptQueueSize) {
    }

    public record Shutdown(Duration timeout) {
    }

    public record PluginSettings(String dir, boolean watch, Duration debounce, Duration drainTimeout, Duration startTimeout,
                                 Duration leakCheckDelay, ByteSize maxUpload) {
    }

    public record HealthSettings(Duration checkTimeout, boolean failOnPluginFailure) {
    }

    public record AdminSettings(String token, List<String> allowedAddresses) {
    }

    public record EventSettings(List<String> topics, boolean openTopics, int maxTopics, ByteSize maxEventSize,
                                List<String> allSubjectsRoles, Replay replay, Streams streams, Presence presence) {

        public record Replay(int maxEvents, Duration maxAge, ByteSize maxBytes) {
        }

        public record Streams(Duration retry, Duration heartbeat, int queueEvents, ByteSize queueBytes, int maxPerPrincipal,
                              int maxTotal) {
        }

        public record Presence(List<String> visibleTo, Duration grace, int maxEventsPerSecond) {
        }
    }

    public record AuthSettings(String tokenQueryParameter, String tokenCookie, Dev dev) {

        public record Dev(boolean enabled, String principal, List<String> roles) {
        }
    }

    public record SkillSettings(String dir, boolean watch, Duration debounce, ByteSize maxInputSize, int pythonContexts,
                                Duration warmUpAllowance, Duration pythonJitWindow) {

        /** Contexts per Python skill: the configured number, or one per core when it is 0. */
        public int pythonContextsPerSkill() {
            return pythonContexts > 0 ? pythonContexts : Runtime.getRuntime().availableProcessors();
        }
    }

    public record McpSettings(boolean enabled, List<String> allowedHosts, List<String> allowedOrigins, List<String> authorizationServers,
                              Duration sessionIdleTimeout,
                              int maxSessions, ByteSize maxMessageSize, int replayMessages, Duration sseRetry) {
    }
}
