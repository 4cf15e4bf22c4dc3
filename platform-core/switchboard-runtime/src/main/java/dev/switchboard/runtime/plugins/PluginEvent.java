package dev.switchboard.runtime.plugins;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.time.Instant;

/**
 * A change in the plugin system: a plugin changed state or version, or a new plugin-app
 * generation went live. Streamed by {@code GET /admin/events}.
 *
 * @param type {@code plugin} for a plugin's change, {@code generation} for a new generation
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PluginEvent(String type, String id, String version, PluginState state, String reason, long generation, Instant at) {
}
