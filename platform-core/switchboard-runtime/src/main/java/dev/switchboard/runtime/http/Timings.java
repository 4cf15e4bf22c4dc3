package dev.switchboard.runtime.http;

import dev.switchboard.api.RequestTimings;
import jakarta.servlet.ServletRequest;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** One request's {@link RequestTimings}, kept in its attribute {@link RequestTimings#PROPERTY}, made on first use. */
public final class Timings implements RequestTimings {

    private static final int MAX_ENTRIES = 32;

    // Guarded by this: a route may add from another thread than the one that commits.
    private final List<Entry> entries = new ArrayList<>(4);

    /** The request's timings, made now if it had none. */
    public static RequestTimings of(ServletRequest request) {
        if (request.getAttribute(PROPERTY) instanceof RequestTimings timings) {
            return timings;
        }
        Timings timings = new Timings();
        request.setAttribute(PROPERTY, timings);
        return timings;
    }

    /** Adds a part measured from {@code startedNanos} ({@link System#nanoTime()}) to now. */
    public static void since(ServletRequest request, String name, long startedNanos, String description) {
        of(request).add(name, Duration.ofNanos(System.nanoTime() - startedNanos), description);
    }

    @Override
    public void add(String name, Duration duration, String description) {
        Entry entry = new Entry(name, duration, description);
        synchronized (this) {
            if (entries.size() < MAX_ENTRIES) {
                entries.add(entry);
            }
        }
    }

    @Override
    public synchronized List<Entry> entries() {
        return List.copyOf(entries);
    }
}
