package dev.switchboard.plugins.performance;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The window slides by slots: what was recorded leaves it one window after its slot began, and evaluations skipped are slots emptied. */
class SlidingHistogramTest {

    private static final long SECOND = 1_000_000_000L;

    @Test
    void valuesLeaveTheWindowSlotBySlot() {
        SlidingHistogram window = new SlidingHistogram(5 * SECOND, 0);
        window.record(1000, false);
        window.record(3000, true);
        SlidingHistogram.Snapshot first = window.advance(SECOND / 2);
        assertThat(first.count()).isEqualTo(2);
        assertThat(first.errorRate()).isEqualTo(0.5);

        window.record(2000, false);
        SlidingHistogram.Snapshot second = window.advance(2 * SECOND + 1);
        assertThat(second.count()).isEqualTo(3);
        assertThat(second.percentile(50)).isCloseTo(2000, within(20.0));
        assertThat(second.errors()).isEqualTo(1);

        assertThat(window.advance(5 * SECOND + 1).count()).as("the first slot is emptied: its values are 5 s old").isEqualTo(1);
        assertThat(window.advance(7 * SECOND + 1).count()).as("and then the third's").isZero();
        assertThat(window.advance(7 * SECOND + 2).percentile(95)).as("nothing: 0").isZero();
    }

    @Test
    void anEvaluationAfterALongPauseSeesAnEmptyWindow() {
        SlidingHistogram window = new SlidingHistogram(5 * SECOND, 0);
        for (int i = 0; i < 100; i++) {
            window.record(i, i % 10 == 0);
        }
        assertThat(window.advance(SECOND).count()).isEqualTo(100);
        assertThat(window.advance(3600 * SECOND).count()).isZero();
        window.record(-5, false);
        SlidingHistogram.Snapshot after = window.advance(3601 * SECOND);
        assertThat(after.count()).isEqualTo(1);
        assertThat(after.percentile(100)).as("a negative value counts as 0").isZero();
        assertThat(after.errorRate()).isZero();
    }
}
