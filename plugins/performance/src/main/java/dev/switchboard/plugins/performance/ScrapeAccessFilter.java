package dev.switchboard.plugins.performance;

import dev.switchboard.api.AddressRange;
import dev.switchboard.api.GatewayChain;
import dev.switchboard.api.GatewayExchange;
import dev.switchboard.api.GatewayFilter;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Optional;

/**
 * Who may scrape {@code /metrics} (and read {@code /api/performance}, the budgets): a client from {@code performance.metrics.allowed_addresses}
 * (loopback by default), or one that sends {@code Authorization: Bearer <performance.metrics.token>}.
 * Anyone else gets 401 (a token is configured: send it) or 403 (none is: scraping from there is
 * not allowed). The token, once checked, is removed from the request, so that a later filter
 * (a JWT check) does not take it for its own credential.
 */
final class ScrapeAccessFilter implements GatewayFilter {

    /** The plugin's own API: the budgets report. */
    static final String PERFORMANCE_API = "/api/performance";

    private final List<AddressRange> allowed;
    private final byte[] token;

    ScrapeAccessFilter(List<AddressRange> allowed, String token) {
        this.allowed = List.copyOf(allowed);
        this.token = token.isEmpty() ? null : token.getBytes(StandardCharsets.UTF_8);
    }

    /** Just below the request timer: a refused scrape is timed too, and refused before any other filter sees it. */
    @Override
    public int priority() {
        return RequestTimingFilter.PRIORITY - 1;
    }

    @Override
    public String name() {
        return "performance-scrape-access";
    }

    @Override
    public void filter(GatewayExchange exchange, GatewayChain chain) throws Exception {
        String path = exchange.path();
        if (!under(path, MetricsResource.PATH) && !under(path, PERFORMANCE_API)) {
            chain.proceed();
            return;
        }
        String address = exchange.remoteAddress();
        if (allowed.stream().anyMatch(range -> range.contains(address))) {
            chain.proceed();
            return;
        }
        if (token == null) {
            exchange.respondProblem(403, "Scraping from " + address + " is not allowed: it is not in performance.metrics.allowed_addresses, "
                    + "and no performance.metrics.token is set.");
            return;
        }
        Optional<String> bearer = exchange.header("Authorization")
                .filter(value -> value.regionMatches(true, 0, "Bearer ", 0, 7))
                .map(value -> value.substring(7).strip());
        if (bearer.isEmpty() || !MessageDigest.isEqual(token, bearer.get().getBytes(StandardCharsets.UTF_8))) {
            exchange.setResponseHeader("WWW-Authenticate", "Bearer realm=\"metrics\"");
            exchange.respondProblem(401, bearer.isEmpty()
                    ? "Scraping from " + address + " needs Authorization: Bearer with performance.metrics.token."
                    : "The bearer token is not performance.metrics.token.");
            return;
        }
        exchange.removeRequestHeader("Authorization");
        chain.proceed();
    }

    private static boolean under(String path, String prefix) {
        return path.equals(prefix) || path.startsWith(prefix + "/");
    }
}
