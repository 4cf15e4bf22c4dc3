package dev.switchboard.runtime.plugins;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Retires plugin versions once no request can reach them: after every superseded generation has
 * drained (or the drain time is up), dependents first, then what they depend on, so no class
 * loader closes under a user. Each retired loader is then watched for leaks.
 *
 * <p>Retirements run one after another on one thread, in the order they were decided, so a
 * dependency retired by a later swap never closes before a dependent retired by an earlier one.
 */
final class Retirements {

    private static final Logger LOG = LoggerFactory.getLogger(Retirements.class);

    private final Duration drainTimeout;
    private final UnitFactory factory;
    private final LeakDetector leaks;
    private final CopyOnWriteArrayList<Generation> draining = new CopyOnWriteArrayList<>();
    private final ExecutorService thread = Executors.newSingleThreadExecutor(
            Thread.ofVirtual().name("switchboard-plugin-retire").factory());

    Retirements(Duration drainTimeout, UnitFactory factory, LeakDetector leaks) {
        this.drainTimeout = drainTimeout;
        this.factory = factory;
        this.leaks = leaks;
    }

    /** A generation was superseded: it is closed to new requests and drains. */
    void superseded(Generation generation) {
        generation.close();
        draining.add(generation);
    }

    /** The requests still inside superseded generations. */
    long activeRequests() {
        return draining.stream().mapToLong(Generation::activeRequests).sum();
    }

    /** Retires these units once every generation superseded so far has drained. */
    void retire(List<PluginUnit> units) {
        if (units.isEmpty()) {
            return;
        }
        List<PluginUnit> ordered = DependencyGraph.retirementOrder(units);
        List<Generation> waitFor = List.copyOf(draining);
        thread.execute(() -> {
            try {
                long deadline = System.nanoTime() + drainTimeout.toNanos();
                for (Generation generation : waitFor) {
                    if (!generation.awaitDrained(deadline)) {
                        LOG.warn("Generation {} still has {} request(s) after {}; retiring {} anyway", generation.number(),
                                generation.activeRequests(), drainTimeout, ordered);
                    }
                    draining.remove(generation);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            for (PluginUnit unit : ordered) {
                factory.destroy(unit);
                leaks.watch(unit.id(), unit.version(), unit.loader());
                LOG.info("Plugin {} {} retired", unit.id(), unit.version());
            }
        });
    }

    /** Waits, up to {@code limit}, for the retirements decided so far, then stops the thread. */
    void finish(Duration limit) {
        thread.shutdown();
        try {
            if (!thread.awaitTermination(limit.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warn("Some plugins did not stop in time");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
