package dev.switchboard.plugins.performance;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.PackedHistogram;
import org.HdrHistogram.Recorder;

import java.util.concurrent.atomic.LongAdder;

/**
 * What one budget measures over a sliding window: the values (HdrHistogram, to two significant
 * digits, so a percentile is exact to 1 %) and how many of them were errors. Recording is
 * wait-free from any thread; {@link #advance} is called by one thread, the budgets' evaluator.
 *
 * <p>The window is {@link #SLOTS} slots; each evaluation drains what was recorded since the last
 * into the current slot and, when a slot's time is up, moves on to the next, emptying it. What
 * {@link #advance} returns covers the slots of the last window: between {@code (SLOTS - 1) / SLOTS}
 * of the window and the whole of it, up to the evaluation.
 */
final class SlidingHistogram {

    static final int SLOTS = 5;

    private final long slotNanos;
    private final Recorder recorder = new Recorder(2, true);
    private final LongAdder errors = new LongAdder();
    private final Histogram[] slots = new Histogram[SLOTS];
    private final long[] slotErrors = new long[SLOTS];
    private Histogram interval;
    private long slotEpoch;
    private int current;

    /** @param now the evaluator's clock, in nanoseconds, at the start of the window */
    SlidingHistogram(long windowNanos, long now) {
        this.slotNanos = Math.max(1, windowNanos / SLOTS);
        for (int i = 0; i < SLOTS; i++) {
            slots[i] = new PackedHistogram(2);
        }
        this.slotEpoch = now / slotNanos;
    }

    /** Records a value: a latency in microseconds, a score in thousandths. Negative values count as 0. */
    void record(long value, boolean error) {
        recorder.recordValue(Math.max(0, value));
        if (error) {
            errors.increment();
        }
    }

    /** Drains what was recorded into the window as of {@code now} and returns what the window holds. */
    Snapshot advance(long now) {
        interval = recorder.getIntervalHistogram(interval);
        long epoch = now / slotNanos;
        if (epoch != slotEpoch) {
            // Every slot that was skipped (no evaluation in its time) is emptied too, at most all of them.
            for (long e = slotEpoch + 1; e <= epoch && e <= slotEpoch + SLOTS; e++) {
                current = (current + 1) % SLOTS;
                slots[current].reset();
                slotErrors[current] = 0;
            }
            slotEpoch = epoch;
        }
        slots[current].add(interval);
        slotErrors[current] += errors.sumThenReset();
        Histogram window = new Histogram(2);
        long windowErrors = 0;
        for (int i = 0; i < SLOTS; i++) {
            window.add(slots[i]);
            windowErrors += slotErrors[i];
        }
        return new Snapshot(window, windowErrors);
    }

    /** The window's values as of an evaluation. */
    record Snapshot(Histogram values, long errors) {

        long count() {
            return values.getTotalCount();
        }

        /** The value at {@code percentile} (0 to 100), in the recorded unit; 0 when there is none. */
        double percentile(double percentile) {
            return values.getTotalCount() == 0 ? 0 : values.getValueAtPercentile(percentile);
        }

        /** Errors over values; 0 when there is none. */
        double errorRate() {
            return values.getTotalCount() == 0 ? 0 : (double) errors / values.getTotalCount();
        }
    }
}
