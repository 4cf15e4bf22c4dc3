package dev.switchboard.plugins.performance;

import dev.switchboard.api.Platform;
import dev.switchboard.api.SwitchboardPlugin;
import org.pf4j.Extension;

/**
 * The performance plugin: {@code GET /metrics} for Prometheus (the host's meters, decision 0025),
 * the request timer {@code http.server.requests} by route template, the {@code Server-Timing}
 * header, the web vitals ingest, and the settings of the host's response compression. docs/performance.md is the manual.
 */
@Extension
public final class PerformancePlugin implements SwitchboardPlugin {

    @Override
    public void start(Platform platform) {
        PerformanceConfig config = platform.config().bind(PerformanceConfig.class).check();
        if (!config.enabled()) {
            platform.log().info("performance {}: inactive (performance.enabled: false): every request passes through",
                    platform.plugin().version());
            return;
        }
        PerformanceConfig.Metrics metrics = config.metrics();
        if (metrics.enabled()) {
            platform.jaxrs(new MetricsResource(platform.prometheus()));
            platform.filter(new ScrapeAccessFilter(config.allowedScrapers(), metrics.token()));
        }
        if (config.requests().enabled()) {
            platform.filter(new RequestTimingFilter(platform.meters(), config.requests()));
        }
        if (config.serverTiming().enabled()) {
            platform.filter(new ServerTimingFilter(config.serverTiming().excludedPaths()));
        }
        if (config.vitals().enabled()) {
            PerformanceConfig.Vitals vitals = config.vitals();
            platform.jaxrs(new VitalsResource(new WebVitals(platform.meters(), vitals.maxPages()), vitals.maxBody(),
                    platform.schemas()));
            platform.filter(new VitalsRateFilter(vitals.requestsPerMinute(), System::nanoTime));
        }
        if (config.compression().enabled()) {
            platform.compression(config.responseCompression());
        }
        platform.log().info("performance {}: {}; {}; {}; {}; {}", platform.plugin().version(),
                metrics.enabled() ? "GET " + MetricsResource.PATH + " for " + String.join(", ", metrics.allowedAddresses())
                        + (metrics.token().isEmpty() ? "" : " and bearer-token holders") : "no /metrics",
                config.requests().enabled() ? "requests timed by route template" : "requests not timed",
                config.serverTiming().enabled() ? "Server-Timing on" : "no Server-Timing",
                config.vitals().enabled() ? "web vitals at POST " + VitalsResource.PATH : "no web vitals",
                config.compression().enabled() ? "responses compressed from " + config.compression().minSize() + " bytes with "
                        + config.compression().encodings().stream().map(e -> e.name() + " " + e.level()).toList() : "no compression");
    }
}
