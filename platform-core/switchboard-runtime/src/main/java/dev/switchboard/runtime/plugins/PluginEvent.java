package dev.switchboard.runtime.plugins;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

import java.time.Instant;

/**
 * A change in the plugin system, streamed by {@code GET /admin/events} as an SSE event named
 * {@link #type()} with the event as JSON (its {@code type} first).
 */
public sealed interface PluginEvent {

    /** The SSE event name, and the JSON's {@code type}. */
    @JsonProperty("type")
    String type();

    /** The live generation when it happened. */
    long generation();

    Instant at();

    /** A plugin changed state or version, or was removed ({@code reason} says why, when there is one). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonPropertyOrder({"type", "id", "version", "state", "reason", "generation", "at"})
    record PluginChanged(String id, String version, PluginState state, String reason, long generation, Instant at)
            implements PluginEvent {
        @Override
        public String type() {
            return "plugin";
        }
    }

    /** A new plugin-app generation went live. */
    @JsonPropertyOrder({"type", "generation", "at"})
    record GenerationLive(long generation, Instant at) implements PluginEvent {
        @Override
        public String type() {
            return "generation";
        }
    }
}
