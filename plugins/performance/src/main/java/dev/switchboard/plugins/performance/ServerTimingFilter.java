package dev.switchboard.plugins.performance;

import dev.switchboard.api.GatewayChain;
import dev.switchboard.api.GatewayExchange;
import dev.switchboard.api.GatewayFilter;
import dev.switchboard.api.RequestTimings;

import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * Adds {@code Server-Timing} to every response that passes the gateway, except under the
 * excluded paths: the parts of the request's time the host and the route measured
 * ({@link RequestTimings}: {@code gateway}, {@code skill}, {@code cache}, a route's
 * {@code upstream}), then {@code total}, from this filter, the first of the chain, to the moment
 * the headers go out.
 */
final class ServerTimingFilter implements GatewayFilter {

    private final List<String> excluded;

    ServerTimingFilter(List<String> excluded) {
        this.excluded = List.copyOf(excluded);
    }

    /** Before the request timer, so that its total is the longest. */
    @Override
    public int priority() {
        return RequestTimingFilter.PRIORITY + 1;
    }

    @Override
    public String name() {
        return "performance-server-timing";
    }

    @Override
    public void filter(GatewayExchange exchange, GatewayChain chain) throws Exception {
        if (isExcluded(exchange.path())) {
            chain.proceed();
            return;
        }
        long started = System.nanoTime();
        exchange.beforeCommit(() -> exchange.addResponseHeader("Server-Timing",
                header(exchange.timings().entries(), Duration.ofNanos(System.nanoTime() - started))));
        chain.proceed();
    }

    private boolean isExcluded(String path) {
        for (String prefix : excluded) {
            if (path.equals(prefix) || path.startsWith(prefix.endsWith("/") ? prefix : prefix + "/")) {
                return true;
            }
        }
        return false;
    }

    /** {@code gateway;dur=0.21, skill;dur=3.402;desc="monaco-config", total;dur=3.95}: milliseconds, as the header wants. */
    static String header(List<RequestTimings.Entry> entries, Duration total) {
        StringBuilder header = new StringBuilder();
        for (RequestTimings.Entry entry : entries) {
            append(header, entry.name(), entry.duration(), entry.description());
            header.append(", ");
        }
        append(header, "total", total, null);
        return header.toString();
    }

    private static void append(StringBuilder header, String name, Duration duration, String description) {
        header.append(name);
        if (duration != null) {
            header.append(";dur=").append(String.format(Locale.ROOT, "%.3f", duration.toNanos() / 1e6));
        }
        if (description != null && !description.isEmpty()) {
            header.append(";desc=\"");
            description.codePoints().filter(c -> c >= 0x20 && c < 0x7f).forEach(c -> {
                if (c == '"' || c == '\\') {
                    header.append('\\');
                }
                header.appendCodePoint(c);
            });
            header.append('"');
        }
    }
}
