package dev.switchboard.runtime.plugins;

import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The lease protocol that lets a swap retire a generation without pulling it from under a request. */
class GenerationTest {

    @Test
    void aClosedGenerationTurnsNewRequestsAway() {
        Generation generation = new Generation(1, Map.of());
        assertThat(generation.enter()).isTrue();
        generation.close();
        assertThat(generation.enter()).isFalse();
        assertThat(generation.activeRequests()).isEqualTo(1);
        generation.exit();
        assertThat(generation.activeRequests()).isZero();
    }

    @Test
    void drainingWaitsForTheRequestsInside() throws Exception {
        Generation generation = new Generation(1, Map.of());
        assertThat(generation.enter()).isTrue();
        generation.close();
        Thread request = Thread.ofVirtual().start(() -> {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            generation.exit();
        });
        long start = System.nanoTime();
        assertThat(generation.awaitDrained(System.nanoTime() + TimeUnit.SECONDS.toNanos(5))).isTrue();
        assertThat(System.nanoTime() - start).isGreaterThan(TimeUnit.MILLISECONDS.toNanos(50));
        request.join();
    }

    @Test
    void drainingGivesUpAtTheDeadline() throws Exception {
        Generation generation = new Generation(1, Map.of());
        generation.enter();
        generation.close();
        assertThat(generation.awaitDrained(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(20))).isFalse();
    }

    @Test
    void anEmptyGenerationRoutesNothing() throws Exception {
        Generation generation = new Generation(0, Map.of());
        assertThat(generation.gatewayFilters()).isEmpty();
        assertThat(generation.serve("/api/anything", null, null)).isFalse();
    }
}
