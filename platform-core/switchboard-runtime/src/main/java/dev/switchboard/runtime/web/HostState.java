package dev.switchboard.runtime.web;

/** Where the host is in its life: readiness is only claimed while {@link #READY}. */
public enum HostState {
    STARTING, READY, STOPPING
}
