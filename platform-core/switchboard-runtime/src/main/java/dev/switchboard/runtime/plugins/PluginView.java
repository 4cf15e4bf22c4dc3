package dev.switchboard.runtime.plugins;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.time.Instant;
import java.util.List;

/**
 * A plugin as the admin API shows it.
 *
 * @param version    the version that is live, or the version the jar declares when none is
 * @param reason     why it is FAILED or STOPPED; null otherwise
 * @param file       the jar's name in the plugin directory
 * @param generation the plugin-app generation in which the live version went live
 * @param rejected   a newer jar that failed while this version kept serving, or null
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PluginView(
        String id,
        String version,
        PluginState state,
        String reason,
        String file,
        Instant since,
        Long generation,
        List<RouteInfo> routes,
        List<FilterInfo> filters,
        List<String> healthChecks,
        List<String> dependencies,
        Rejection rejected) {

    /** A gateway filter and its priority. */
    public record FilterInfo(String name, int priority) {
    }

    /** A jar that could not replace the live version. */
    public record Rejection(String version, String reason, Instant at) {
    }
}
