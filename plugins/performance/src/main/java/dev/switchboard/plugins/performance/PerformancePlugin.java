package dev.switchboard.plugins.performance;

import dev.switchboard.api.Platform;
import dev.switchboard.api.SwitchboardPlugin;
import org.pf4j.Extension;

import java.nio.file.Path;
import java.time.Clock;

/**
 * The performance plugin: {@code GET /metrics} for Prometheus (the host's meters, decision 0025),
 * the request timer {@code http.server.requests} by route template, the {@code Server-Timing}
 * header, the web vitals ingest, the budgets, and the settings of the host's response compression. docs/performance.md is the manual.
 */
@Extension
public final class PerformancePlugin implements SwitchboardPlugin {

    private BudgetEvaluator budgets;

    @Override
    public void start(Platform platform) {
        PerformanceConfig config = platform.config().bind(PerformanceConfig.class).check();
        if (!config.enabled()) {
            platform.log().info("performance {}: inactive (performance.enabled: false): every request passes through",
                    platform.plugin().version());
            return;
        }
        PerformanceConfig.Metrics metrics = config.metrics();
        PerformanceConfig.Budgets budgeting = config.budgets();
        if (budgeting.enabled()) {
            budgets = new BudgetEvaluator(budgeting, budgeting.file().isBlank() ? null : Path.of(budgeting.file()),
                    new BudgetFile(platform.schemas()), platform::routes, platform.events(), platform.log(), System::nanoTime, Clock.systemUTC());
            platform.jaxrs(new BudgetsResource(budgets));
            platform.command("check", "print the budget report of a running Switchboard; exit 1 when a budget fails",
                    new BudgetCheck(metrics.token()));
        }
        if (metrics.enabled() || budgeting.enabled()) {
            platform.filter(new ScrapeAccessFilter(config.allowedScrapers(), metrics.token()));
        }
        if (metrics.enabled()) {
            platform.jaxrs(new MetricsResource(platform.prometheus()));
        }
        if (config.requests().enabled()) {
            platform.filter(new RequestTimingFilter(platform.meters(), config.requests(), budgets));
        }
        if (config.serverTiming().enabled()) {
            platform.filter(new ServerTimingFilter(config.serverTiming().excludedPaths()));
        }
        if (config.vitals().enabled()) {
            PerformanceConfig.Vitals vitals = config.vitals();
            platform.jaxrs(new VitalsResource(new WebVitals(platform.meters(), vitals.maxPages(), budgets), vitals.maxBody(),
                    platform.schemas()));
            platform.filter(new VitalsRateFilter(vitals.requestsPerMinute(), System::nanoTime));
        }
        if (config.compression().enabled()) {
            platform.compression(config.responseCompression());
        }
        if (budgets != null) {
            budgets.start();
        }
        platform.log().info("performance {}: {}; {}; {}; {}; {}; {}", platform.plugin().version(),
                metrics.enabled() ? "GET " + MetricsResource.PATH + " for " + String.join(", ", metrics.allowedAddresses())
                        + (metrics.token().isEmpty() ? "" : " and bearer-token holders") : "no /metrics",
                config.requests().enabled() ? "requests timed by route template" : "requests not timed",
                config.serverTiming().enabled() ? "Server-Timing on" : "no Server-Timing",
                config.vitals().enabled() ? "web vitals at POST " + VitalsResource.PATH : "no web vitals",
                config.compression().enabled() ? "responses compressed from " + config.compression().minSize() + " bytes with "
                        + config.compression().encodings().stream().map(e -> e.name() + " " + e.level()).toList() : "no compression",
                budgeting.enabled() ? "budgets " + (budgeting.file().isBlank() ? "built in" : "from " + budgeting.file()) + " over " + BudgetEvaluator.text(budgeting.window())
                        + " at GET " + BudgetsResource.PATH : "no budgets");
    }

    @Override
    public void stop() {
        if (budgets != null) {
            budgets.close();
        }
    }
}
