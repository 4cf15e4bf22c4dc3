package dev.switchboard.plugins.hello;

/**
 * The {@code hello:} section of {@code switchboard.yaml}; keys, defaults and limits are in
 * {@code META-INF/switchboard/config.schema.json}.
 */
public record HelloConfig(String greeting, int maxNameLength) {
}
