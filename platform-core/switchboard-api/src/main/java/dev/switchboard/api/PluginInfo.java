package dev.switchboard.api;

/**
 * A plugin's identity as its manifest declares it ({@code Plugin-Id}, {@code Plugin-Version}).
 *
 * @since 0.1.0
 */
public record PluginInfo(String id, String version) {
}
