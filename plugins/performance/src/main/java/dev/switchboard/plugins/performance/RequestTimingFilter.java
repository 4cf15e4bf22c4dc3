package dev.switchboard.plugins.performance;

import dev.switchboard.api.GatewayChain;
import dev.switchboard.api.GatewayExchange;
import dev.switchboard.api.GatewayFilter;
import dev.switchboard.api.ResponseView;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;

/**
 * Times every request that passes the gateway into {@code http.server.requests}, tagged with the
 * route template ({@code route}, never the raw path), the method and the status class, as a
 * histogram with the configured bucket bounds. A request is timed from the moment it reaches
 * this filter (the first of the chain) to the end of its response; an event stream, to the
 * moment it opens (its duration is the client's business, not a latency).
 *
 * <p>The series are bounded whatever the clients send: the route is a template the host matched
 * ({@code UNMATCHED} when none did: a 404, a 405, a filter's own answer), at most
 * {@code max_routes} of them ({@code OTHER} beyond); methods outside the standard ones are
 * {@code OTHER}; statuses are classes ({@code 2xx}).
 */
final class RequestTimingFilter implements GatewayFilter {

    /** First of the chain, above Kong's trusted-proxy filter (2100): the time includes every other filter. */
    static final int PRIORITY = 10_000;

    static final String METER = "http.server.requests";
    static final String UNMATCHED = "UNMATCHED";
    static final String OTHER = "OTHER";

    private static final Set<String> METHODS = Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "CONNECT");

    private final MeterRegistry meters;
    private final Duration[] buckets;
    private final int maxRoutes;
    private final Set<String> routes = ConcurrentHashMap.newKeySet();
    private final ConcurrentMap<Series, Timer> timers = new ConcurrentHashMap<>();

    private final BudgetEvaluator budgets;

    /** @param budgets told of every request timed, or null */
    RequestTimingFilter(MeterRegistry meters, PerformanceConfig.Requests settings, BudgetEvaluator budgets) {
        this.meters = meters;
        this.budgets = budgets;
        this.buckets = settings.buckets().toArray(Duration[]::new);
        this.maxRoutes = settings.maxRoutes();
    }

    @Override
    public int priority() {
        return PRIORITY;
    }

    @Override
    public String name() {
        return "performance-request-timing";
    }

    @Override
    public void filter(GatewayExchange exchange, GatewayChain chain) throws Exception {
        long started = System.nanoTime();
        String method = METHODS.contains(exchange.method()) ? exchange.method() : OTHER;
        ResponseView response = exchange.response();
        exchange.beforeCommit(() -> {
            if (response.eventStream()) {
                record(method, response, started);
            }
        });
        exchange.afterCompletion(() -> {
            if (!response.eventStream()) {
                record(method, response, started);
            }
        });
        chain.proceed();
    }

    private void record(String method, ResponseView response, long started) {
        long elapsed = System.nanoTime() - started;
        Series series = new Series(method, route(response), statusClass(response.status()));
        timers.computeIfAbsent(series, this::register).record(elapsed, TimeUnit.NANOSECONDS);
        if (budgets != null && response.route().isPresent()) {
            budgets.request(response.route().get(), method, response.status(), elapsed);
        }
    }

    private String route(ResponseView response) {
        String route = response.route().orElse(UNMATCHED);
        if (route.equals(UNMATCHED) || routes.contains(route)) {
            return route;
        }
        // Racing threads may overshoot max_routes by a few; the bound holds to within the number of threads.
        if (routes.size() >= maxRoutes) {
            return OTHER;
        }
        routes.add(route);
        return route;
    }

    private static String statusClass(int status) {
        return status >= 100 && status <= 599 ? (status / 100) + "xx" : OTHER;
    }

    private Timer register(Series series) {
        return Timer.builder(METER)
                .description("Requests that passed the gateway, by route template, method and status class: "
                        + "time to the end of the response (to the opening, for an event stream)")
                .tag("method", series.method())
                .tag("route", series.route())
                .tag("status", series.status())
                .serviceLevelObjectives(buckets)
                .register(meters);
    }

    private record Series(String method, String route, String status) {
    }
}
