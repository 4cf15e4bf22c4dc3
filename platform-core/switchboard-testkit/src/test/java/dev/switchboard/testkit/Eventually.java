package dev.switchboard.testkit;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** Polls a condition that another thread makes true, for a bounded time. */
public final class Eventually {

    private Eventually() {
    }

    /** Polls every 20 ms until the condition holds, for at most 10 s. */
    public static void eventually(Condition condition) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.holds()) {
            assertThat(System.nanoTime()).as("the condition held within 10 s").isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    /** What {@link #eventually} waits for. */
    @FunctionalInterface
    public interface Condition {
        boolean holds() throws Exception;
    }
}
