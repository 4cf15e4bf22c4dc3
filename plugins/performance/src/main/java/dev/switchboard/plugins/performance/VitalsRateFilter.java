package dev.switchboard.plugins.performance;

import dev.switchboard.api.GatewayChain;
import dev.switchboard.api.GatewayExchange;
import dev.switchboard.api.GatewayFilter;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * At most {@code requests_per_minute} vitals reports a minute from one client address, in fixed
 * one-minute windows; past that, 429 with {@code Retry-After} (the seconds to the next window).
 * Hand-written rather than a cache library: one counter per address, forgotten when its window is
 * over, and the map swept whenever it holds more than {@code MAX_CLIENTS} addresses.
 */
final class VitalsRateFilter implements GatewayFilter {

    private static final int MAX_CLIENTS = 100_000;
    private static final long WINDOW_NANOS = 60_000_000_000L;

    private final int perMinute;
    private final LongSupplier nanoTime;
    private final Map<String, Window> windows = new ConcurrentHashMap<>();

    /** One client's current window. */
    private record Window(long start, int count) {
    }

    VitalsRateFilter(int perMinute, LongSupplier nanoTime) {
        this.perMinute = perMinute;
        this.nanoTime = nanoTime;
    }

    /** Where Kong's rate limiting sits (910): after authentication, before validation. */
    @Override
    public int priority() {
        return 900;
    }

    @Override
    public String name() {
        return "performance-vitals-rate";
    }

    @Override
    public void filter(GatewayExchange exchange, GatewayChain chain) throws Exception {
        if (!exchange.path().equals(VitalsResource.PATH)) {
            chain.proceed();
            return;
        }
        long retryAfter = take(exchange.remoteAddress());
        if (retryAfter > 0) {
            exchange.setResponseHeader("Retry-After", Long.toString(retryAfter));
            exchange.respondProblem(429, "More than " + perMinute + " vitals reports a minute from " + exchange.remoteAddress()
                    + " (performance.vitals.requests_per_minute).");
            return;
        }
        chain.proceed();
    }

    /** Counts one request from {@code client}; 0 when it is allowed, else the whole seconds until it would be. */
    long take(String client) {
        long now = nanoTime.getAsLong();
        if (windows.size() > MAX_CLIENTS) {
            windows.values().removeIf(window -> now - window.start() >= WINDOW_NANOS);
        }
        Window window = windows.compute(client, (key, current) -> current == null || now - current.start() >= WINDOW_NANOS
                ? new Window(now, 1) : new Window(current.start(), current.count() + 1));
        if (window.count() <= perMinute) {
            return 0;
        }
        return Math.max(1, (window.start() + WINDOW_NANOS - now + 999_999_999L) / 1_000_000_000L);
    }
}
