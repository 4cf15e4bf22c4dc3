package dev.switchboard.plugins.kong.ratelimit;

import dev.switchboard.plugins.kong.policy.RateLimitConf.Period;

import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts in this process's memory (Kong's {@code local} policy): exact for one instance, not
 * shared with others. Finished windows are dropped as new requests come in. At most
 * {@link #MAX_CALLERS} callers are tracked (with {@code limit_by: header} the client picks the
 * key): past that, finished windows are dropped at once and then, if need be, a tenth of the
 * callers, whose counts start again, as entries leave Kong's bounded shared dictionary.
 */
public final class LocalCounters implements Counters {

    private static final int SWEEP_EVERY = 4_096;
    static final int MAX_CALLERS = 100_000;

    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();
    private final AtomicInteger hits = new AtomicInteger();

    /** One caller's counts: per period, the window start and the count in it. */
    private static final class Bucket {
        final Map<Period, long[]> windows = new EnumMap<>(Period.class);
        long expires;
        boolean removed;
    }

    @Override
    public Map<Period, Long> hit(String key, Map<Period, Long> limits, Instant now) {
        if (hits.incrementAndGet() % SWEEP_EVERY == 0) {
            sweep(now.toEpochMilli());
        }
        if (buckets.size() >= MAX_CALLERS && !buckets.containsKey(key)) {
            makeRoom(now.toEpochMilli());
        }
        while (true) {
            Bucket bucket = buckets.computeIfAbsent(key, k -> new Bucket());
            synchronized (bucket) {
                if (!bucket.removed) {
                    return count(bucket, limits, now);
                }
            }
        }
    }

    private static Map<Period, Long> count(Bucket bucket, Map<Period, Long> limits, Instant now) {
        Map<Period, Long> before = new EnumMap<>(Period.class);
        boolean allowed = true;
        for (Map.Entry<Period, Long> limit : limits.entrySet()) {
            long[] window = bucket.windows.get(limit.getKey());
            long count = window != null && window[0] == Windows.start(limit.getKey(), now) ? window[1] : 0;
            before.put(limit.getKey(), count);
            allowed &= count < limit.getValue();
        }
        if (allowed) {
            for (Period period : limits.keySet()) {
                long start = Windows.start(period, now);
                long[] window = bucket.windows.computeIfAbsent(period, p -> new long[2]);
                if (window[0] != start) {
                    window[0] = start;
                    window[1] = 0;
                }
                window[1]++;
                bucket.expires = Math.max(bucket.expires, Windows.end(period, now));
            }
        }
        return before;
    }

    private void sweep(long nowMillis) {
        buckets.entrySet().removeIf(entry -> {
            synchronized (entry.getValue()) {
                // A bucket is dropped only once every window it counted has ended.
                entry.getValue().removed = entry.getValue().expires <= nowMillis;
                return entry.getValue().removed;
            }
        });
    }

    private synchronized void makeRoom(long nowMillis) {
        if (buckets.size() < MAX_CALLERS) {
            return;
        }
        sweep(nowMillis);
        int excess = buckets.size() - MAX_CALLERS * 9 / 10;
        java.util.Iterator<Map.Entry<String, Bucket>> entries = buckets.entrySet().iterator();
        while (excess-- > 0 && entries.hasNext()) {
            Bucket bucket = entries.next().getValue();
            synchronized (bucket) {
                bucket.removed = true;
            }
            entries.remove();
        }
    }

    /** How many callers currently have counts. */
    public int size() {
        return buckets.size();
    }
}
