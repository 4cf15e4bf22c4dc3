package dev.switchboard.plugins.performance;

import dev.switchboard.api.AddressRange;
import dev.switchboard.api.ResponseCompression;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The {@code performance:} section of {@code switchboard.yaml}; keys, defaults and explanations are
 * in {@code META-INF/switchboard/config.schema.json} and docs/performance.md. {@link #check()}
 * refuses what the schema cannot, naming the key.
 */
public record PerformanceConfig(boolean enabled, Metrics metrics, Requests requests, ServerTiming serverTiming, Vitals vitals,
                                Compression compression, Budgets budgets) {

    /** {@code performance.metrics}: the scrape endpoint. */
    public record Metrics(boolean enabled, List<String> allowedAddresses, String token) {
    }

    /** {@code performance.requests}: the request timer. */
    public record Requests(boolean enabled, List<Duration> buckets, int maxRoutes) {
    }

    /** {@code performance.server_timing}: the {@code Server-Timing} header. */
    public record ServerTiming(boolean enabled, List<String> excludedPaths) {
    }

    /** {@code performance.vitals}: the web vitals ingest. */
    public record Vitals(boolean enabled, int maxBody, int requestsPerMinute, int maxPages) {
    }

    /** {@code performance.compression}: what the host compresses, and how. */
    public record Compression(boolean enabled, int minSize, List<String> mimeTypes, List<String> excludedPaths, List<Encoding> encodings) {
    }

    /** {@code performance.budgets}: the budgets file and how it is evaluated. */
    public record Budgets(boolean enabled, String file, Duration window, Duration evaluateEvery, Duration alertAfter, int minSamples,
                          String topic) {
    }

    /** One entry of {@code performance.compression.encodings}. */
    public record Encoding(String name, int level) {
    }

    /**
     * The host's compression settings.
     *
     * @throws IllegalArgumentException naming the key that is wrong
     */
    ResponseCompression responseCompression() {
        List<ResponseCompression.Encoding> encodings = new ArrayList<>();
        for (int i = 0; i < compression.encodings().size(); i++) {
            Encoding encoding = compression.encodings().get(i);
            try {
                encodings.add(new ResponseCompression.Encoding(encoding.name(), encoding.level()));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("performance.compression.encodings[" + i + "]: " + e.getMessage(), e);
            }
        }
        try {
            return new ResponseCompression(compression.minSize(), Set.copyOf(compression.mimeTypes()), Set.copyOf(compression.excludedPaths()),
                    encodings);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("performance.compression: " + e.getMessage(), e);
        }
    }

    /** The scrapers that need no token. */
    List<AddressRange> allowedScrapers() {
        return metrics.allowedAddresses().stream().map(AddressRange::parse).toList();
    }

    /**
     * Checks what the schema cannot express.
     *
     * @throws IllegalArgumentException naming the first key that is wrong
     */
    PerformanceConfig check() {
        for (int i = 0; i < metrics.allowedAddresses().size(); i++) {
            try {
                AddressRange.parse(metrics.allowedAddresses().get(i));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("performance.metrics.allowed_addresses[" + i + "]: " + e.getMessage(), e);
            }
        }
        for (int i = 0; i < requests.buckets().size(); i++) {
            Duration bucket = requests.buckets().get(i);
            if (bucket.compareTo(Duration.ofMillis(1)) < 0 || bucket.compareTo(Duration.ofMinutes(1)) > 0) {
                throw new IllegalArgumentException("performance.requests.buckets[" + i + "]: " + bucket.toMillis() + "ms is out of range, 1ms to 1m");
            }
            if (i > 0 && bucket.compareTo(requests.buckets().get(i - 1)) <= 0) {
                throw new IllegalArgumentException("performance.requests.buckets[" + i + "]: the bounds must increase, "
                        + bucket.toMillis() + "ms follows " + requests.buckets().get(i - 1).toMillis() + "ms");
            }
        }
        if (compression.enabled()) {
            responseCompression();
        }
        if (budgets.evaluateEvery().compareTo(Duration.ofMillis(100)) < 0 || budgets.evaluateEvery().compareTo(budgets.window()) > 0) {
            throw new IllegalArgumentException("performance.budgets.evaluate_every: " + budgets.evaluateEvery().toMillis()
                    + "ms is out of range, 100ms to the window (performance.budgets.window, " + budgets.window().toMillis() + "ms)");
        }
        if (budgets.window().compareTo(Duration.ofDays(1)) > 0) {
            throw new IllegalArgumentException("performance.budgets.window: " + budgets.window().toMillis() + "ms is longer than a day");
        }
        return this;
    }
}
