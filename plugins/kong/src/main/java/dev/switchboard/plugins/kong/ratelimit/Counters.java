package dev.switchboard.plugins.kong.ratelimit;

import dev.switchboard.plugins.kong.policy.RateLimitConf.Period;

import java.time.Instant;
import java.util.Map;

/** Where request counts are kept: in this process ({@code local}) or in Redis ({@code redis}). */
public interface Counters extends AutoCloseable {

    /**
     * Counts one request against every configured period, all or nothing: when any period's count
     * has reached its limit, nothing is counted. This is what makes a limit of N allow exactly N,
     * however many requests arrive at once.
     *
     * @param key    who is counted (scope and identifier)
     * @param limits the limit of each period
     * @return the counts before this request, per period
     * @throws Exception when the counts could not be read or written (Redis unreachable)
     */
    Map<Period, Long> hit(String key, Map<Period, Long> limits, Instant now) throws Exception;

    @Override
    default void close() {
    }
}
