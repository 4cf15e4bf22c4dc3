package dev.switchboard.plugins.performance;

import dev.switchboard.testkit.SseClient;
import dev.switchboard.testkit.SwitchboardExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code GET /metrics} and the request timer, on a host with the performance plugin as shipped. */
class MetricsIT {

    /** What Prometheus 2.x sends when it scrapes. */
    static final String PROMETHEUS_ACCEPT =
            "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1";

    static final String REQUESTS = "http_server_requests_seconds_count";

    @RegisterExtension
    static SwitchboardExtension switchboard = host().build();

    /** A host with the performance plugin under test (from {@code plugin.jar}) and the things plugin. */
    static SwitchboardExtension.Builder host() {
        return SwitchboardExtension.builder()
                .plugin(Path.of(System.getProperty("plugin.jar")))
                .plugin(ThingsPlugin.build());
    }

    static Exposition scrape(SwitchboardExtension host) throws Exception {
        HttpResponse<String> response = host.get("/metrics");
        assertThat(response.statusCode()).isEqualTo(200);
        return Exposition.parse(response.body());
    }

    @Test
    void withoutAcceptItIsTheTextFormatWithTheHostsTheJvmsAndJettysMeters() throws Exception {
        HttpResponse<String> response = switchboard.get("/metrics");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("text/plain; version=0.0.4; charset=utf-8");
        assertThat(response.headers().firstValue("Cache-Control")).hasValue("no-store");
        Exposition metrics = Exposition.parse(response.body());
        assertThat(metrics.value("switchboard_plugins", "state", "STARTED")).as("the host's own meters").isEqualTo(2.0);
        assertThat(metrics.named("switchboard_events_streams_open")).hasSize(1);
        assertThat(metrics.named("switchboard_mcp_sessions")).hasSize(1);
        assertThat(metrics.value("switchboard_jobs", "state", "RUNNING")).isZero();
        assertThat(metrics.named("switchboard_jobs")).hasSize(4);
        assertThat(metrics.named("jvm_memory_used_bytes")).isNotEmpty();
        // The GC's meters registered when they are bound: jvm_gc_pause_seconds comes with the first collection, which may not have happened.
        assertThat(metrics.named("jvm_gc_live_data_size_bytes")).hasSize(1);
        assertThat(metrics.named("jvm_gc_memory_allocated_bytes_total")).hasSize(1);
        assertThat(metrics.named("jvm_threads_live_threads")).hasSize(1);
        assertThat(metrics.named("process_cpu_usage")).hasSize(1);
        assertThat(metrics.named("process_uptime_seconds")).hasSize(1);
        assertThat(metrics.named("process_cpu_time_seconds_total")).as("in seconds, as Prometheus wants").hasSize(1);
        assertThat(metrics.named("jvm_compilation_time_seconds_total")).hasSize(1);
        assertThat(metrics.named("system_cpus_available")).hasSize(1);
        assertThat(metrics.named("jetty_threads_busy")).hasSize(1);
        assertThat(metrics.named("jetty_connections_current_connections")).isNotEmpty();
    }

    @Test
    void prometheusGetsOpenMetrics() throws Exception {
        HttpResponse<String> response = switchboard.send(switchboard.as(null, "/metrics").header("Accept", PROMETHEUS_ACCEPT).GET().build());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/openmetrics-text; version=1.0.0; charset=utf-8");
        assertThat(response.body()).endsWith("# EOF\n").contains("# TYPE switchboard_events_streams_open gauge");
    }

    @Test
    void requestsAreCountedByRouteTemplateMethodAndStatusClass() throws Exception {
        Exposition before = scrape(switchboard);
        for (int i = 0; i < 3; i++) {
            assertThat(switchboard.get("/api/things/" + (1000 + i)).statusCode()).isEqualTo(200);
        }
        HttpRequest post = switchboard.as(null, "/api/things").POST(HttpRequest.BodyPublishers.noBody()).build();
        assertThat(switchboard.send(post).statusCode()).isEqualTo(201);
        assertThat(switchboard.get("/api/things/broken").statusCode()).isEqualTo(500);
        assertThat(switchboard.get("/api/no-such-thing/7").statusCode()).isEqualTo(404);
        HttpRequest odd = switchboard.as(null, "/api/things/1").method("BREW", HttpRequest.BodyPublishers.noBody()).build();
        assertThat(switchboard.send(odd).statusCode()).isEqualTo(405);

        Exposition after = scrape(switchboard);
        assertThat(delta(before, after, "method", "GET", "route", "/api/things/{id}", "status", "2xx")).isEqualTo(3.0);
        assertThat(delta(before, after, "method", "POST", "route", "/api/things", "status", "2xx")).isEqualTo(1.0);
        assertThat(delta(before, after, "method", "GET", "route", "/api/things/broken", "status", "5xx")).isEqualTo(1.0);
        assertThat(delta(before, after, "method", "GET", "route", "UNMATCHED", "status", "4xx")).isEqualTo(1.0);
        assertThat(delta(before, after, "method", "OTHER", "route", "UNMATCHED", "status", "4xx")).isEqualTo(1.0);
        assertThat(after.named(REQUESTS)).as("no series names a raw path")
                .noneMatch(sample -> sample.labels().get("route").matches(".*/[0-9]+$"));
        assertThat(after.named("http_server_requests_seconds_bucket"))
                .as("the configured buckets: 11 bounds and +Inf per series")
                .filteredOn(sample -> sample.has("route", "/api/things/{id}") && sample.has("status", "2xx"))
                .extracting(sample -> sample.labels().get("le"))
                .containsExactly("0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1.0", "2.5", "5.0", "10.0", "+Inf");
    }

    @Test
    void anEventStreamIsTimedWhenItOpensAndTheStreamsGaugeCountsIt() throws Exception {
        Exposition before = scrape(switchboard);
        try (SseClient stream = switchboard.stream(null, "/api/events/stream?topics=learning.events")) {
            stream.expect(Duration.ofSeconds(10));
            Exposition during = scrape(switchboard);
            assertThat(delta(before, during, "method", "GET", "route", "/api/events/stream", "status", "2xx"))
                    .as("timed once open, not when it ends").isEqualTo(1.0);
            assertThat(during.value("switchboard_events_streams_open")).isGreaterThanOrEqualTo(1.0);
        }
    }

    @Test
    void tenThousandDistinctPathsCreateNoNewSeries() throws Exception {
        switchboard.get("/api/things/1");
        switchboard.get("/api/nothing/1");
        Exposition before = scrape(switchboard);
        int paths = 10_000;
        Semaphore inFlight = new Semaphore(16);
        List<CompletableFuture<HttpResponse<Void>>> sent = new ArrayList<>();
        for (int i = 0; i < paths; i++) {
            String path = i % 2 == 0 ? "/api/things/" + i : "/api/nothing/" + i;
            inFlight.acquire();
            sent.add(switchboard.client().sendAsync(switchboard.as(null, path).GET().build(), HttpResponse.BodyHandlers.discarding())
                    .whenComplete((response, failure) -> inFlight.release()));
        }
        CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).join();
        Exposition after = scrape(switchboard);
        assertThat(seriesOf(after)).as("the same series, whatever the paths").isEqualTo(seriesOf(before));
        assertThat(delta(before, after, "method", "GET", "route", "/api/things/{id}", "status", "2xx")).isEqualTo(paths / 2.0);
        assertThat(delta(before, after, "method", "GET", "route", "UNMATCHED", "status", "4xx")).isEqualTo(paths / 2.0);
    }

    private static double delta(Exposition before, Exposition after, String... labels) {
        return after.value(REQUESTS, labels) - before.value(REQUESTS, labels);
    }

    /** Every series of the exposition but the scrape's own, by name and labels. */
    private static List<String> seriesOf(Exposition metrics) {
        return metrics.samples().stream()
                .filter(sample -> sample.name().startsWith("http_server_requests"))
                .filter(sample -> !"/metrics".equals(sample.labels().get("route")))
                .map(sample -> sample.name() + sample.labels())
                .sorted()
                .toList();
    }
}
