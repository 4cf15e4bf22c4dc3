package dev.switchboard.runtime.plugins;

/** What an operator sees of a plugin. */
public enum PluginState {
    /** Live: its routes, filters and health checks are in the current generation. */
    STARTED,
    /** Not running, through no fault of its own: a dependency is disabled, or the host is stopping. */
    STOPPED,
    /** Switched off by an operator; the choice survives restarts. */
    DISABLED,
    /** Could not be loaded or started; {@code reason} says why. */
    FAILED
}
