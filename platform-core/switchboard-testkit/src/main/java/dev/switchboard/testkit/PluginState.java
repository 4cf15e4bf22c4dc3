package dev.switchboard.testkit;

/** What an operator sees of a plugin, as {@code GET /admin/plugins} reports it. */
public enum PluginState {
    /** Live: its routes, filters and health checks serve. */
    STARTED,
    /** Not running, through no fault of its own: a dependency is off, or the host is stopping. */
    STOPPED,
    /** Switched off by an operator. */
    DISABLED,
    /** Could not be loaded or started; the status's {@code reason} says why. */
    FAILED
}
