package dev.switchboard.plugins.performance;

import dev.switchboard.testkit.SseClient;
import dev.switchboard.testkit.SwitchboardExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The alert rules and the Grafana dashboard shipped in the distribution's {@code monitoring/}:
 * promtool checks and unit-tests the rules; a real Prometheus scraping a real host evaluates every
 * query of the dashboard (Grafana itself does not run here).
 */
class MonitoringIT {

    static final Path MONITORING = Path.of("monitoring");

    @RegisterExtension
    SwitchboardExtension switchboard = MetricsIT.host().build();

    @TempDir
    Path dir;

    @Test
    void promtoolAcceptsTheAlertRulesAndTheirUnitTestsPass() throws Exception {
        assertThat(promtool("check", "rules", "switchboard-alerts.yml")).contains("SUCCESS: 8 rules found");
        assertThat(promtool("test", "rules", "switchboard-alerts.test.yml")).contains("SUCCESS");
    }

    @Test
    void everyDashboardQueryEvaluatesAndTheCorePanelsHaveData() throws Exception {
        JsonNode dashboard = JsonMapper.builder().build().readTree(Files.readString(MONITORING.resolve("switchboard-dashboard.json")));
        Map<String, String> queries = new LinkedHashMap<>();
        for (JsonNode panel : dashboard.get("panels")) {
            assertThat(panel.path("datasource").path("uid").asString()).as("panel %s uses the dashboard's data source", panel.path("title"))
                    .isEqualTo("${datasource}");
            for (JsonNode target : panel.get("targets")) {
                queries.put(panel.path("title").asString() + " / " + target.path("refId").asString(), target.path("expr").asString());
            }
        }
        assertThat(queries).hasSizeGreaterThan(15);

        for (int i = 0; i < 5; i++) {
            switchboard.get("/api/things/" + i);
        }
        try (SseClient stream = switchboard.stream(null, "/api/events/stream?topics=learning.events");
             PrometheusServer prometheus = PrometheusServer.start(dir, switchboard.baseUri(), "")) {
            stream.expect(Duration.ofSeconds(10));
            assertThat(prometheus.scrapedTarget().path("health").asString()).isEqualTo("up");
            prometheus.awaitSeries("count_over_time(switchboard_plugins_generation[1m]) >= 3");
            List<String> empty = new ArrayList<>();
            for (Map.Entry<String, String> query : queries.entrySet()) {
                // As Grafana would send it: every instance, the smallest rate window that holds 4 scrapes.
                JsonNode result = prometheus.query(query.getValue().replace("$__rate_interval", "4s").replace("$instance", ".*"));
                if (result.isEmpty()) {
                    empty.add(query.getKey());
                }
            }
            assertThat(empty).as("panels without data on a host that served requests and holds a stream")
                    .doesNotContain("Requests by route / A", "p95 latency by route / A", "Responses by status class / A",
                            "Open event streams / A", "Plugins by state / A", "Heap / A", "GC and CPU / B", "Jetty / A");
        }
    }

    private static String promtool(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("promtool"));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).directory(MONITORING.toFile()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
        return output;
    }
}
