package dev.switchboard.plugins.kong.ratelimit;

import dev.switchboard.plugins.kong.policy.RateLimitConf;
import dev.switchboard.plugins.kong.policy.RateLimitConf.Period;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Kong's rate-limiting answer for one request, from the counts before it (Kong 3.9's
 * {@code access} handler): {@code X-RateLimit-Limit-<Period>} and
 * {@code X-RateLimit-Remaining-<Period>} for every period, and {@code RateLimit-Limit},
 * {@code RateLimit-Remaining}, {@code RateLimit-Reset} for the period with the fewest requests
 * left (the longer window on a tie); {@code Retry-After} on refusal.
 *
 * @param exceeded the period whose limit is reached, or null when the request is allowed
 * @param headers  the response headers to set, in order
 */
public record RateLimitHeaders(Period exceeded, Map<String, String> headers) {

    public static RateLimitHeaders of(RateLimitConf conf, Map<Period, Long> before, Instant now) {
        Period exceeded = null;
        for (Map.Entry<Period, Long> limit : conf.limits().entrySet()) {
            if (limit.getValue() - before.getOrDefault(limit.getKey(), 0L) <= 0) {
                exceeded = limit.getKey();
                break;
            }
        }
        Map<String, String> headers = new LinkedHashMap<>();
        Period chosen = null;
        long chosenRemaining = 0;
        for (Map.Entry<Period, Long> limit : conf.limits().entrySet()) {
            Period period = limit.getKey();
            long remaining = limit.getValue() - before.getOrDefault(period, 0L);
            if (exceeded == null || exceeded == period) {
                remaining--;
            }
            remaining = Math.max(0, remaining);
            if (chosen == null || remaining < chosenRemaining || remaining == chosenRemaining && period.seconds > chosen.seconds) {
                chosen = period;
                chosenRemaining = remaining;
            }
            if (!conf.hideClientHeaders()) {
                headers.put("X-RateLimit-Limit-" + period.title(), Long.toString(limit.getValue()));
                headers.put("X-RateLimit-Remaining-" + period.title(), Long.toString(remaining));
            }
        }
        long reset = Windows.reset(chosen, now);
        if (!conf.hideClientHeaders()) {
            headers.put("RateLimit-Limit", Long.toString(conf.limits().get(chosen)));
            headers.put("RateLimit-Remaining", Long.toString(chosenRemaining));
            headers.put("RateLimit-Reset", Long.toString(reset));
        }
        if (exceeded != null) {
            headers.put("Retry-After", Long.toString(reset));
        }
        return new RateLimitHeaders(exceeded, headers);
    }
}
