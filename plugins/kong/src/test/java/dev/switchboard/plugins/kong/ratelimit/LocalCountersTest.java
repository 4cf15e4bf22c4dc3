package dev.switchboard.plugins.kong.ratelimit;

import dev.switchboard.plugins.kong.policy.RateLimitConf;
import dev.switchboard.plugins.kong.policy.RateLimitConf.Period;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** Kong's fixed windows, counted exactly, and Kong's headers computed from the counts. */
class LocalCountersTest {

    private static final Instant T = Instant.parse("2026-11-29T10:15:30.250Z");

    @Test
    void aLimitOfNAllowsExactlyNAmongConcurrentCallers() throws Exception {
        LocalCounters counters = new LocalCounters();
        Map<Period, Long> limits = Map.of(Period.MINUTE, 50L, Period.HOUR, 1000L);
        AtomicInteger allowed = new AtomicInteger();
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            threads.add(Thread.ofPlatform().start(() -> {
                try {
                    start.await();
                    for (int i = 0; i < 100; i++) {
                        if (counters.hit("k", limits, T).get(Period.MINUTE) < 50) {
                            allowed.incrementAndGet();
                        }
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
        }
        start.countDown();
        for (Thread thread : threads) {
            thread.join();
        }
        assertThat(allowed).hasValue(50);
        // A refused request counts for no period.
        assertThat(counters.hit("k", limits, T)).containsEntry(Period.MINUTE, 50L).containsEntry(Period.HOUR, 50L);
    }

    @Test
    void windowsAreFixedOnKongsBoundaries() {
        LocalCounters counters = new LocalCounters();
        Map<Period, Long> limits = Map.of(Period.MINUTE, 2L, Period.MONTH, 100L);
        counters.hit("k", limits, T);
        counters.hit("k", limits, T.plusSeconds(20));
        assertThat(counters.hit("k", limits, T.plusSeconds(29))).containsEntry(Period.MINUTE, 2L);
        // 10:16:00 starts a new minute; the month goes on counting.
        assertThat(counters.hit("k", limits, Instant.parse("2026-11-29T10:16:00Z")))
                .containsEntry(Period.MINUTE, 0L).containsEntry(Period.MONTH, 2L);
        assertThat(counters.hit("k", limits, Instant.parse("2026-12-01T00:00:00Z"))).containsEntry(Period.MONTH, 0L);
        assertThat(Windows.reset(Period.MINUTE, T)).isEqualTo(30);
        assertThat(Windows.reset(Period.SECOND, T)).isEqualTo(1);
    }

    @Test
    void headersFollowTheMostRestrictivePeriod() {
        RateLimitConf conf = new RateLimitConf(Map.of(Period.SECOND, 2L, Period.MINUTE, 10L), "consumer", null, null, "local",
                true, false, 429, "API rate limit exceeded", null);
        RateLimitHeaders allowed = RateLimitHeaders.of(conf, Map.of(Period.SECOND, 0L, Period.MINUTE, 8L), T);
        assertThat(allowed.exceeded()).isNull();
        assertThat(allowed.headers()).containsExactly(
                Map.entry("X-RateLimit-Limit-Second", "2"), Map.entry("X-RateLimit-Remaining-Second", "1"),
                Map.entry("X-RateLimit-Limit-Minute", "10"), Map.entry("X-RateLimit-Remaining-Minute", "1"),
                Map.entry("RateLimit-Limit", "10"), Map.entry("RateLimit-Remaining", "1"), Map.entry("RateLimit-Reset", "30"));
        RateLimitHeaders refused = RateLimitHeaders.of(conf, Map.of(Period.SECOND, 2L, Period.MINUTE, 9L), T);
        assertThat(refused.exceeded()).isEqualTo(Period.SECOND);
        assertThat(refused.headers()).containsEntry("X-RateLimit-Remaining-Second", "0").containsEntry("X-RateLimit-Remaining-Minute", "1")
                .containsEntry("RateLimit-Limit", "2").containsEntry("RateLimit-Reset", "1").containsEntry("Retry-After", "1");
    }
}
