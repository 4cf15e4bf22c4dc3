package dev.switchboard.runtime.plugins;

/** The outcome of inspecting a plugin jar before any of its code runs. */
sealed interface Inspection {

    /** The jar may be loaded. */
    record Accepted(PluginCandidate candidate) implements Inspection {
    }

    /**
     * The jar must not be loaded, for {@code reason}, written for a person. Id and version are
     * what the manifest said, when it could be read (else null).
     */
    record Rejected(String id, String version, String reason) implements Inspection {
    }
}
