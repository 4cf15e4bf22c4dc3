package dev.switchboard.runtime.config;

/**
 * One configuration value given outside the file: by an environment variable or a command-line
 * flag. {@code key} is dotted ({@code tls.port}, {@code hello.greeting}); {@code source} says
 * where it came from, for error messages ({@code SWITCHBOARD_PORT}, {@code --port}).
 */
public record ConfigOverride(String key, String value, String source) {
}
