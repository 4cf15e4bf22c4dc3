package dev.switchboard.runtime.http;

import dev.switchboard.api.HostRoute;

import java.util.List;

/**
 * The path prefixes the host keeps for itself. Requests under them go to the core application,
 * which is never reloaded (so streams and sessions there survive plugin swaps); a plugin route
 * under them is a collision and rejects the plugin.
 */
public final class CoreRoutes {

    /** Served by the core JAX-RS application. */
    public static final List<String> CORE_APP = List.of("/admin", "/health", "/api/events", "/api/skills", "/api/jobs");

    /** Reserved for host endpoints outside the core application. */
    public static final List<String> RESERVED = List.of("/mcp", "/.well-known");

    /** Requests here skip plugin gateway filters: the operator must always reach them, and metadata is public. */
    public static final List<String> FILTER_EXEMPT = List.of("/admin", "/health", "/.well-known");

    /** The host's own routes, as plugins see them ({@code Platform.routes()}), streaming ones marked. */
    public static final List<HostRoute> HOST_ROUTES = List.of(
            new HostRoute("GET", "/api/events/stream", "host", true),
            new HostRoute("*", "/api/events", "host", false),
            new HostRoute("*", "/api/skills", "host", false),
            new HostRoute("*", "/api/jobs", "host", false),
            new HostRoute("*", "/mcp", "host", true),
            new HostRoute("GET", "/.well-known/oauth-protected-resource", "host", false),
            new HostRoute("GET", "/health", "host", false),
            new HostRoute("*", "/admin", "host", false));

    private CoreRoutes() {
    }

    /** True when {@code path} is {@code prefix} or below it. */
    public static boolean under(String path, String prefix) {
        return path.equals(prefix) || path.startsWith(prefix) && path.charAt(prefix.length()) == '/';
    }

    public static boolean servedByCore(String path) {
        return prefixOf(path, CORE_APP) != null;
    }

    public static boolean filterExempt(String path) {
        return prefixOf(path, FILTER_EXEMPT) != null;
    }

    /** The host prefix {@code path} falls under, or null. */
    public static String hostPrefixOf(String path) {
        String prefix = prefixOf(path, CORE_APP);
        return prefix != null ? prefix : prefixOf(path, RESERVED);
    }

    // Plain loops: these run on every request.
    private static String prefixOf(String path, List<String> prefixes) {
        for (String prefix : prefixes) {
            if (under(path, prefix)) {
                return prefix;
            }
        }
        return null;
    }
}
