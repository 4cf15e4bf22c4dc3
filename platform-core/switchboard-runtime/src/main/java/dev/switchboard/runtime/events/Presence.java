package dev.switchboard.runtime.events;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Who is connected to which topic. A principal joins a topic with its first stream on it and
 * leaves when its last one has been gone for the grace period, so a client that reconnects (or
 * flaps) makes no noise. Joins and leaves become {@code presence.joined} / {@code presence.left}
 * events, at most {@code max_events_per_second}. Guarded by the hub's lock.
 */
final class Presence {

    static final String JOINED = "presence.joined";
    static final String LEFT = "presence.left";

    /** One principal on one topic. */
    static final class Entry {
        final String principal;
        final Instant since;
        final Set<EventStream> streams = new HashSet<>();
        long lastSeenMillis;
        ScheduledFuture<?> leaving;

        Entry(String principal, Instant since) {
            this.principal = principal;
            this.since = since;
            this.lastSeenMillis = since.toEpochMilli();
        }

        long lastSeen() {
            long latest = lastSeenMillis;
            for (EventStream stream : streams) {
                latest = Math.max(latest, stream.lastWriteMillis());
            }
            return latest;
        }
    }

    /** A principal on a topic as {@code GET /api/events/presence} shows it. */
    record Seen(String principal, int connections, Instant since, Instant lastSeen) {
    }

    private final Map<String, Map<String, Entry>> byTopic = new HashMap<>();
    private final Duration grace;
    private final ScheduledExecutorService timer;
    private final RateLimit limit;
    private final ReentrantLock lock;
    private final Emitter emitter;

    /** Publishes a presence event, or counts one that the rate limit skipped. */
    interface Emitter {
        void emit(String type, String topic, String principal);

        void skipped();
    }

    Presence(Duration grace, int maxEventsPerSecond, ScheduledExecutorService timer, ReentrantLock lock, Emitter emitter) {
        this.grace = grace;
        this.timer = timer;
        this.limit = new RateLimit(maxEventsPerSecond);
        this.lock = lock;
        this.emitter = emitter;
    }

    void joined(String topic, EventStream stream, Instant now) {
        Map<String, Entry> entries = byTopic.computeIfAbsent(topic, k -> new HashMap<>());
        String principal = stream.principal().id();
        Entry entry = entries.get(principal);
        if (entry == null) {
            entry = new Entry(principal, now);
            entries.put(principal, entry);
            emit(JOINED, topic, principal);
        } else if (entry.leaving != null) {
            entry.leaving.cancel(false);
            entry.leaving = null;
        }
        entry.streams.add(stream);
    }

    void left(String topic, EventStream stream) {
        Map<String, Entry> entries = byTopic.get(topic);
        Entry entry = entries == null ? null : entries.get(stream.principal().id());
        if (entry == null || !entry.streams.remove(stream)) {
            return;
        }
        entry.lastSeenMillis = Math.max(entry.lastSeenMillis, stream.lastWriteMillis());
        if (entry.streams.isEmpty()) {
            Entry gone = entry;
            entry.leaving = timer.schedule(() -> expire(topic, gone), grace.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** Runs on the timer: the principal did not come back within the grace period. */
    private void expire(String topic, Entry entry) {
        lock.lock();
        try {
            Map<String, Entry> entries = byTopic.get(topic);
            if (entries == null || entries.get(entry.principal) != entry || !entry.streams.isEmpty()) {
                return;
            }
            entries.remove(entry.principal);
            if (entries.isEmpty()) {
                byTopic.remove(topic);
            }
            emit(LEFT, topic, entry.principal);
        } finally {
            lock.unlock();
        }
    }

    List<Seen> on(String topic) {
        List<Seen> seen = new ArrayList<>();
        for (Entry entry : byTopic.getOrDefault(topic, Map.of()).values()) {
            if (!entry.streams.isEmpty()) {
                seen.add(new Seen(entry.principal, entry.streams.size(), entry.since, Instant.ofEpochMilli(entry.lastSeen())));
            }
        }
        seen.sort(Comparator.comparing(Seen::principal));
        return seen;
    }

    private void emit(String type, String topic, String principal) {
        if (limit.tryAcquire(System.nanoTime())) {
            emitter.emit(type, topic, principal);
        } else {
            emitter.skipped();
        }
    }

    /** A token bucket: {@code perSecond} tokens, refilled continuously. */
    static final class RateLimit {
        private final double perSecond;
        private double tokens;
        private long last = System.nanoTime();

        RateLimit(int perSecond) {
            this.perSecond = perSecond;
            this.tokens = perSecond;
        }

        boolean tryAcquire(long now) {
            tokens = Math.min(perSecond, tokens + (now - last) / 1e9 * perSecond);
            last = now;
            if (tokens >= 1) {
                tokens -= 1;
                return true;
            }
            return false;
        }
    }
}
