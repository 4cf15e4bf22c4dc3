package dev.switchboard.runtime.plugins;

/** One route of a plugin: an HTTP method (or {@code *} for a sub-resource locator) and a path template. */
public record RouteInfo(String method, String path) {
}
