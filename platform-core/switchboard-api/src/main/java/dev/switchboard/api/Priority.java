package dev.switchboard.api;

import java.util.Locale;
import java.util.Optional;

/**
 * How urgent an event is. Streams can ask for events at or above a priority
 * ({@code minPriority=high}); the order is {@code low < normal < high < critical}.
 *
 * @since 0.1.0
 */
public enum Priority {
    LOW, NORMAL, HIGH, CRITICAL;

    /** The lower-case name used on the wire: {@code low}, {@code normal}, {@code high}, {@code critical}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses a wire name, case-insensitively; empty when it names no priority. */
    public static Optional<Priority> parse(String text) {
        for (Priority priority : values()) {
            if (priority.name().equalsIgnoreCase(text)) {
                return Optional.of(priority);
            }
        }
        return Optional.empty();
    }
}
