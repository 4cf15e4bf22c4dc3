package dev.switchboard.plugins.performance;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The Core Web Vitals browsers report, aggregated per metric and page into histograms with the
 * metric's "good" and "poor" thresholds among the buckets, from which Prometheus takes the p75
 * Google reports for Core Web Vitals: {@code web.vitals.lcp}, {@code .inp}, {@code .fcp} and
 * {@code .ttfb} are timers (seconds in Prometheus); {@code web.vitals.cls} counts the score in
 * thousandths. Micrometer's distribution summaries round a value up to a whole number before
 * they find its bucket (2.1 lands in {@code le="3.0"}, not {@code le="2.5"}), so a timer, exact to
 * the nanosecond, holds the times, and the score is scaled. Pages are bounded: past
 * {@code max_pages} distinct ones, reports count under {@code page="OTHER"}.
 */
final class WebVitals {

    /** One metric of the web-vitals library: a time in milliseconds or a score, and the largest value believed. */
    enum Metric {
        LCP(true, 600_000),
        INP(true, 600_000),
        FCP(true, 600_000),
        TTFB(true, 600_000),
        CLS(false, 10);

        final boolean time;
        final double max;

        Metric(boolean time, double max) {
            this.time = time;
            this.max = max;
        }

        static Metric parse(String name) {
            for (Metric metric : values()) {
                if (metric.name().equals(name)) {
                    return metric;
                }
            }
            return null;
        }
    }

    /** Bucket bounds of the times, in milliseconds: web-vitals' "good" and "poor" thresholds of all four among them. */
    private static final long[] TIME_BUCKETS_MS = {100, 200, 500, 800, 1000, 1800, 2500, 3000, 4000, 6000, 10_000};
    /** Bucket bounds of CLS, in thousandths: 0.1 and 0.25 among them. */
    private static final double[] CLS_BUCKETS = {10, 50, 100, 150, 250, 500, 1000};

    static final String OTHER = "OTHER";

    private final MeterRegistry meters;
    private final int maxPages;
    private final Set<String> pages = ConcurrentHashMap.newKeySet();
    private final Map<String, Timer> timers = new ConcurrentHashMap<>();
    private final Map<String, DistributionSummary> scores = new ConcurrentHashMap<>();

    private final BudgetEvaluator budgets;

    /** @param budgets told of every value recorded, or null */
    WebVitals(MeterRegistry meters, int maxPages, BudgetEvaluator budgets) {
        this.meters = meters;
        this.budgets = budgets;
        this.maxPages = maxPages;
    }

    /** Records a report's {@code value}: milliseconds for a time, the score for CLS. */
    void record(Metric metric, String page, double value) {
        if (budgets != null) {
            budgets.vital(metric, value);
        }
        String bounded = bound(page);
        String name = "web.vitals." + metric.name().toLowerCase(Locale.ROOT);
        String description = "Core Web Vitals browsers reported: " + metric.name() + ", by page";
        if (metric.time) {
            timers.computeIfAbsent(metric.name() + " " + bounded, key -> Timer.builder(name)
                            .description(description)
                            .tag("page", bounded)
                            .serviceLevelObjectives(Arrays.stream(TIME_BUCKETS_MS).mapToObj(Duration::ofMillis).toArray(Duration[]::new))
                            .register(meters))
                    .record(Duration.ofNanos(Math.round(value * 1e6)));
        } else {
            scores.computeIfAbsent(metric.name() + " " + bounded, key -> DistributionSummary.builder(name)
                            .description(description + ", in thousandths")
                            .baseUnit("thousandths")
                            .tag("page", bounded)
                            .serviceLevelObjectives(CLS_BUCKETS)
                            .register(meters))
                    .record(value * 1000);
        }
    }

    /** The pages seen, bounded. */
    Set<String> pages() {
        return Set.copyOf(pages);
    }

    private String bound(String page) {
        if (pages.contains(page)) {
            return page;
        }
        if (pages.size() >= maxPages) {
            return OTHER;
        }
        pages.add(page);
        return page;
    }

    /**
     * The page a report is about, as a path: the report's {@code page} (a path or a URL), else
     * the {@code Referer}'s path; query and fragment left out, at most 256 characters; {@code /}
     * when neither says.
     */
    static String page(String reported, String referer) {
        for (String candidate : new String[] {reported, referer}) {
            if (candidate == null || candidate.isBlank()) {
                continue;
            }
            try {
                URI uri = URI.create(candidate.strip());
                String path = uri.getRawPath();
                if (path != null && path.startsWith("/")) {
                    return path.length() > 256 ? path.substring(0, 256) : path;
                }
            } catch (IllegalArgumentException e) {
                // Not a URI: try the next.
            }
        }
        return "/";
    }
}
