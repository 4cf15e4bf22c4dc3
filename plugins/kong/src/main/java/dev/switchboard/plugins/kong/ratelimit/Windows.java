package dev.switchboard.plugins.kong.ratelimit;

import dev.switchboard.plugins.kong.policy.RateLimitConf.Period;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;

/** Kong's fixed windows: each period starts on its boundary in UTC (a calendar month, a calendar year). */
final class Windows {

    private Windows() {
    }

    /** The start, in epoch milliseconds, of the window of {@code period} that holds {@code now}. */
    static long start(Period period, Instant now) {
        long millis = now.toEpochMilli();
        return switch (period) {
            case SECOND -> millis - Math.floorMod(millis, 1_000L);
            case MINUTE -> millis - Math.floorMod(millis, 60_000L);
            case HOUR -> millis - Math.floorMod(millis, 3_600_000L);
            case DAY -> millis - Math.floorMod(millis, 86_400_000L);
            case MONTH -> ZonedDateTime.ofInstant(now, ZoneOffset.UTC).truncatedTo(ChronoUnit.DAYS).withDayOfMonth(1).toInstant().toEpochMilli();
            case YEAR -> ZonedDateTime.ofInstant(now, ZoneOffset.UTC).truncatedTo(ChronoUnit.DAYS).withDayOfYear(1).toInstant().toEpochMilli();
        };
    }

    /** The start of the next window: when counts of this window may be forgotten. */
    static long end(Period period, Instant now) {
        long start = start(period, now);
        return switch (period) {
            case MONTH -> ZonedDateTime.ofInstant(Instant.ofEpochMilli(start), ZoneOffset.UTC).plusMonths(1).toInstant().toEpochMilli();
            case YEAR -> ZonedDateTime.ofInstant(Instant.ofEpochMilli(start), ZoneOffset.UTC).plusYears(1).toInstant().toEpochMilli();
            default -> start + period.seconds * 1_000L;
        };
    }

    /** Kong's {@code RateLimit-Reset}: seconds left in the window, counted with Kong's fixed period lengths, at least 1. */
    static long reset(Period period, Instant now) {
        return Math.max(1, period.seconds - (now.toEpochMilli() - start(period, now)) / 1_000L);
    }
}
