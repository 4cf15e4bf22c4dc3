package dev.switchboard.api;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The named parts of one request's time, as the host and the plugins measure them: what a
 * {@code Server-Timing} header reports. The host adds {@code gateway} (the gateway filters before
 * the route) and, for a skill call, {@code skill} (its run) or {@code cache} (a hit); a route adds
 * its own ({@code upstream} for a backend call). A gateway filter gets them with
 * {@link GatewayExchange#timings()}; a JAX-RS resource from the request property
 * {@link #PROPERTY} ({@code ContainerRequestContext.getProperty}, or the servlet request's
 * attribute of that name). Usable from any thread; past 32 entries, more are ignored.
 *
 * @since 0.1.0
 */
public interface RequestTimings {

    /** The request property (and servlet request attribute) that holds a request's timings. */
    String PROPERTY = "dev.switchboard.timings";

    /**
     * Adds a part.
     *
     * @param name        a token ({@code upstream}, {@code db}): letters, digits, {@code -}, {@code _}, {@code .}
     * @param duration    how long it took; null for a part that is only a fact (a description)
     * @param description a few words, or null ({@code hit}, the upstream's name)
     * @throws IllegalArgumentException when the name is not such a token
     */
    void add(String name, Duration duration, String description);

    /** The parts so far, in the order they were added. */
    List<Entry> entries();

    /** One part of a request's time. */
    record Entry(String name, Duration duration, String description) {

        public Entry {
            Objects.requireNonNull(name, "name");
            if (!name.matches("[A-Za-z0-9._-]{1,64}")) {
                throw new IllegalArgumentException("'" + name + "' is not a timing name (letters, digits, '-', '_', '.'; at most 64)");
            }
        }
    }
}
