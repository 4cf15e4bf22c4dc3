package dev.switchboard.api;

/**
 * A route the host serves: its method ({@code *} for any), its path (a prefix for the host's own
 * routes, a JAX-RS template for a plugin's), who serves it ({@code host} or a plugin id), and
 * whether its answers are long-lived streams (server-sent events), which proxies in front must
 * not time out.
 *
 * @since 0.1.0
 */
public record HostRoute(String method, String path, String owner, boolean streaming) {
}
