package dev.switchboard.runtime.plugins;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.ref.WeakReference;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Checks that every retired plugin version's class loader is garbage collected. Something that
 * still holds one (a thread the plugin did not stop, a static cache, a registered listener) keeps
 * all of that version's classes in memory: after the check delay, and a few collections, such a
 * loader is reported as a leak (logged, and listed by {@code GET /admin/leaks}) with the threads
 * that still belong to it. A leak that later clears is dropped from the list.
 */
public final class LeakDetector implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LeakDetector.class);
    private static final int ATTEMPTS = 3;

    /** A retired version whose class loader was not collected. */
    public record Leak(String id, String version, Instant retiredAt, List<String> threads) {
    }

    /** Counts of retired versions, and the current leaks. */
    public record Summary(long retired, long collected, long pending, List<Leak> leaks) {
    }

    private final class Watch {
        final String id;
        final String version;
        final Instant retiredAt = Instant.now();
        final WeakReference<ClassLoader> loader;
        int attempts;
        volatile Leak leak;

        Watch(String id, String version, ClassLoader loader) {
            this.id = id;
            this.version = version;
            this.loader = new WeakReference<>(loader);
        }
    }

    private final Duration delay;
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("switchboard-leak-detector").factory());
    private final ConcurrentHashMap.KeySetView<Watch, Boolean> watches = ConcurrentHashMap.newKeySet();
    private final AtomicLong retired = new AtomicLong();
    private final AtomicLong collected = new AtomicLong();

    public LeakDetector(Duration delay) {
        this.delay = delay;
    }

    /** Starts watching the class loader of a version that has just been retired. */
    void watch(String id, String version, ClassLoader loader) {
        retired.incrementAndGet();
        if (scheduler.isShutdown()) {
            return;
        }
        Watch watch = new Watch(id, version, loader);
        watches.add(watch);
        try {
            scheduler.schedule(() -> check(watch), delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            watches.remove(watch); // the host is stopping
        }
    }

    private void check(Watch watch) {
        if (scheduler.isShutdown()) {
            return;
        }
        if (watch.loader.get() == null) {
            watches.remove(watch);
            collected.incrementAndGet();
            if (watch.leak != null) {
                LOG.info("Plugin {} {}: its class loader was collected at last; the leak is gone", watch.id, watch.version);
            }
            return;
        }
        watch.attempts++;
        if (watch.attempts < ATTEMPTS) {
            // A loader unreachable since the last collection is only freed by the next one.
            System.gc();
            scheduler.schedule(() -> check(watch), 250, TimeUnit.MILLISECONDS);
            return;
        }
        if (watch.leak == null) {
            List<String> threads = threadsOf(watch.loader.get());
            watch.leak = new Leak(watch.id, watch.version, watch.retiredAt, threads);
            LOG.warn("Plugin {} {} leaks: its class loader is still reachable {} after it was retired{}. "
                            + "A plugin must stop every thread it starts in stop().",
                    watch.id, watch.version, Duration.between(watch.retiredAt, Instant.now()).toSeconds() + "s",
                    threads.isEmpty() ? "" : "; threads still running its code: " + String.join(", ", threads));
        }
        // Keep an eye on it: a leak caused by a slow thread may clear.
        scheduler.schedule(() -> check(watch), Math.max(delay.toMillis(), 1000), TimeUnit.MILLISECONDS);
    }

    private static List<String> threadsOf(ClassLoader loader) {
        List<String> names = new ArrayList<>();
        if (loader == null) {
            return names;
        }
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            if (thread.getContextClassLoader() == loader || thread.getClass().getClassLoader() == loader) {
                names.add(thread.getName());
            }
        }
        names.sort(null);
        return names;
    }

    public Summary summary() {
        List<Leak> leaks = new ArrayList<>();
        long pending = 0;
        for (Watch watch : watches) {
            if (watch.leak != null) {
                leaks.add(watch.leak);
            } else {
                pending++;
            }
        }
        leaks.sort((a, b) -> a.retiredAt().compareTo(b.retiredAt()));
        return new Summary(retired.get(), collected.get(), pending, leaks);
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
