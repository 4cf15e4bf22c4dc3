package dev.switchboard.api;

import java.util.Map;
import java.util.Objects;

/**
 * The result of a {@link HealthCheck}.
 *
 * @param status  up, degraded (working with reduced function) or down
 * @param detail  one human-readable line, may be empty
 * @param details structured facts for operators (counts, endpoints); values must be JSON-friendly
 * @since 0.1.0
 */
public record Health(Status status, String detail, Map<String, Object> details) {

    public enum Status { UP, DEGRADED, DOWN }

    public Health {
        Objects.requireNonNull(status, "status");
        detail = detail == null ? "" : detail;
        details = details == null ? Map.of() : Map.copyOf(details);
    }

    public static Health up() {
        return new Health(Status.UP, "", Map.of());
    }

    public static Health up(String detail) {
        return new Health(Status.UP, detail, Map.of());
    }

    public static Health degraded(String detail) {
        return new Health(Status.DEGRADED, detail, Map.of());
    }

    public static Health down(String detail) {
        return new Health(Status.DOWN, detail, Map.of());
    }

    /** This result with structured details attached. */
    public Health withDetails(Map<String, Object> details) {
        return new Health(status, detail, details);
    }
}
