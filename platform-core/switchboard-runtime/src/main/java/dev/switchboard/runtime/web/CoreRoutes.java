package dev.switchboard.runtime.web;

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

    /** Requests here skip plugin gateway filters: the operator must always reach them. */
    public static final List<String> FILTER_EXEMPT = List.of("/admin", "/health");

    private CoreRoutes() {
    }

    /** True when {@code path} is {@code prefix} or below it. */
    public static boolean under(String path, String prefix) {
        return path.equals(prefix) || path.startsWith(prefix) && path.charAt(prefix.length()) == '/';
    }

    public static boolean servedByCore(String path) {
        return CORE_APP.stream().anyMatch(prefix -> under(path, prefix));
    }

    public static boolean filterExempt(String path) {
        return FILTER_EXEMPT.stream().anyMatch(prefix -> under(path, prefix));
    }

    /** The host prefix {@code path} falls under, or null. */
    public static String hostPrefixOf(String path) {
        for (String prefix : CORE_APP) {
            if (under(path, prefix)) {
                return prefix;
            }
        }
        for (String prefix : RESERVED) {
            if (under(path, prefix)) {
                return prefix;
            }
        }
        return null;
    }
}
