package dev.switchboard.plugins.performance;

import dev.switchboard.testkit.SseClient;
import dev.switchboard.testkit.SwitchboardExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** A real Prometheus scrapes Switchboard; promtool lints what it serves. */
class PrometheusIT {

    @RegisterExtension
    SwitchboardExtension switchboard = MetricsIT.host()
            .set("performance.metrics.allowed_addresses", "10.255.255.0/24")
            .set("performance.metrics.token", "prometheus-token")
            .build();

    @TempDir
    Path dir;

    @Test
    void prometheusScrapesWithTheTokenAndSeesRequestsByRouteAndTheOpenStreams() throws Exception {
        for (int i = 0; i < 3; i++) {
            assertThat(switchboard.get("/api/things/" + i).statusCode()).isEqualTo(200);
        }
        try (SseClient stream = switchboard.stream(null, "/api/events/stream?topics=learning.events");
             PrometheusServer prometheus = PrometheusServer.start(dir, switchboard.baseUri(), """
                     authorization:
                       type: Bearer
                       credentials: prometheus-token
                     """)) {
            stream.expect(Duration.ofSeconds(10));
            JsonNode target = prometheus.scrapedTarget();
            assertThat(target.path("lastError").asString()).as("Prometheus parsed the scrape").isEmpty();
            assertThat(target.path("health").asString()).isEqualTo("up");

            JsonNode things = prometheus.awaitSeries("http_server_requests_seconds_count{route=\"/api/things/{id}\"}");
            assertThat(things).hasSize(1);
            assertThat(things.get(0).path("metric").path("method").asString()).isEqualTo("GET");
            assertThat(things.get(0).path("metric").path("status").asString()).isEqualTo("2xx");
            assertThat(things.get(0).path("value").get(1).asString()).isEqualTo("3");

            JsonNode streams = prometheus.awaitSeries("switchboard_events_streams_open");
            assertThat(streams.get(0).path("value").get(1).asString()).isEqualTo("1");

            JsonNode p95 = prometheus.awaitSeries("histogram_quantile(0.95, sum by (le) (http_server_requests_seconds_bucket{route=\"/api/things/{id}\"}))");
            assertThat(p95.get(0).path("value").get(1).asString()).as("a quantile Prometheus took of the buckets, in seconds")
                    .matches("[0-9.e+-]+").isNotEqualTo("NaN");
        }
    }

    /** promtool 2.42 reads the text format only; the scrape above shows Prometheus parsing OpenMetrics. */
    @Test
    void promtoolFindsNothingToLint() throws Exception {
        switchboard.get("/api/things/1");
        switchboard.get("/api/nothing");
        assertThat(VitalsIT.post(switchboard, "application/json", "[" + VitalsIT.report("LCP", "1200", "/") + ","
                + VitalsIT.report("CLS", "0.02", "/") + "]").statusCode()).isEqualTo(204);
        HttpResponse<String> scrape = switchboard.send(switchboard.as("prometheus-token", "/metrics").GET().build());
        assertThat(scrape.statusCode()).isEqualTo(200);
        assertThat(promtool(scrape.body(), "check", "metrics")).as("promtool check metrics").isEmpty();
    }

    /** Runs promtool with {@code input} on stdin; what it printed when it failed, empty when it passed. */
    static String promtool(String input, String... args) throws IOException, InterruptedException {
        String[] command = new String[args.length + 1];
        command[0] = "promtool";
        System.arraycopy(args, 0, command, 1, args.length);
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        try (var in = process.getOutputStream()) {
            new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)).transferTo(in);
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return process.exitValue() == 0 ? "" : "exit " + process.exitValue() + ": " + output;
    }
}
