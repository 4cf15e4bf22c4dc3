package dev.switchboard.api;

import java.util.Map;

/**
 * A plugin's configuration section: the top-level key of {@code switchboard.yaml} named after the
 * plugin id, with environment overrides ({@code SWITCHBOARD_<ID>_<KEY>}) applied and defaults from
 * the plugin's schema filled in.
 *
 * <p>The schema is a JSON Schema (2020-12) at {@code META-INF/switchboard/config.schema.json} in
 * the plugin jar. The host validates the section against it before the plugin's code runs; an
 * invalid section marks the plugin {@code FAILED} with the offending key named (or, for a new
 * version of a live plugin, leaves the live one serving and reports the new one as rejected). A
 * plugin without a schema accepts no configuration. Keys are {@code snake_case}.
 *
 * @since 0.1.0
 */
public interface PluginConfig {

    /** The section as plain values: maps, lists, strings, numbers, booleans. Never null. */
    Map<String, Object> asMap();

    /**
     * Binds the section to a record or bean: {@code snake_case} keys fill {@code camelCase}
     * components ({@code max_items} → {@code maxItems}).
     *
     * @throws IllegalArgumentException when the section does not fit {@code type}
     */
    <T> T bind(Class<T> type);
}
