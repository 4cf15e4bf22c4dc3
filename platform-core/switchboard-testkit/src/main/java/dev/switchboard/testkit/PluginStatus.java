package dev.switchboard.testkit;

import java.util.List;

/**
 * A plugin as the admin API shows it, for assertions in tests.
 *
 * @param version    the live version, or the version the jar declares when none is live
 * @param reason     why it is FAILED or STOPPED; null otherwise
 * @param file       the jar's name in the plugin directory
 * @param generation the plugin generation in which the live version went live; null when none is
 * @param routes     the live version's routes, as {@code METHOD /path}
 * @param filters    the live version's gateway filters as {@code name@priority}
 * @param healthChecks the names of the live version's health checks
 * @param rejected   a newer jar that failed while this version kept serving, or null
 */
public record PluginStatus(String id, String version, PluginState state, String reason, String file, Long generation,
                           List<String> routes, List<String> filters, List<String> healthChecks, Rejection rejected) {

    /** A jar that could not replace the live version, and why. */
    public record Rejection(String version, String reason) {
    }
}
