package dev.switchboard.plugins.performance;

import dev.switchboard.testkit.PluginJarBuilder;
import dev.switchboard.testkit.PluginState;
import dev.switchboard.testkit.SseClient;
import dev.switchboard.testkit.SwitchboardExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The budgets: {@code GET /api/performance/budgets}, the breach and recovery events, a budgets
 * file that is refused, and {@code switchboard performance check}. The hosts evaluate every 200 ms
 * over a window of a few seconds, so that what the tests wait for happens within seconds.
 */
class BudgetsIT {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Duration WAIT = Duration.ofSeconds(20);

    /** A host that evaluates the budgets of {@code file} every 200 ms over {@code window}, alerting at once, on a single sample. */
    static SwitchboardExtension.Builder host(Path file, String window) {
        return MetricsIT.host()
                .set("performance.budgets.file", file.toString())
                .set("performance.budgets.window", window)
                .set("performance.budgets.evaluate_every", "200ms")
                .set("performance.budgets.alert_after", "0s")
                .set("performance.budgets.min_samples", "1")
                .set("performance.vitals.requests_per_minute", "1000");
    }

    /** A budgets file in a directory of its own, with {@code yaml} in it. */
    static Path file(String yaml) {
        try {
            Path file = Files.createTempDirectory("budgets").resolve("budgets.yaml");
            Files.writeString(file, yaml);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Rewrites {@code file}, moving its modification time on so that the change is seen even within the clock's resolution. */
    static void rewrite(Path file, String yaml) throws IOException {
        FileTime before = Files.getLastModifiedTime(file);
        Files.writeString(file, yaml);
        Files.setLastModifiedTime(file, FileTime.fromMillis(Math.max(before.toMillis() + 2000, System.currentTimeMillis())));
    }

    static JsonNode report(SwitchboardExtension host) throws Exception {
        HttpResponse<String> response = host.get(BudgetsResource.PATH);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.headers().firstValue("Cache-Control")).hasValue("no-store");
        return JSON.readTree(response.body());
    }

    /** Polls the report until {@code condition} holds; fails with the last report after {@link #WAIT}. */
    static JsonNode awaitReport(SwitchboardExtension host, Predicate<JsonNode> condition) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        JsonNode last = report(host);
        while (!condition.test(last)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the budget report did not come to the expected state within " + WAIT + "; the last one: " + last);
            }
            Thread.sleep(100);
            last = report(host);
        }
        return last;
    }

    static JsonNode budget(JsonNode report, String name) {
        for (JsonNode budget : report.path("budgets")) {
            if (budget.path("name").asString().equals(name)) {
                return budget;
            }
        }
        return JSON.missingNode();
    }

    static List<String> names(JsonNode report) {
        List<String> names = new ArrayList<>();
        report.path("budgets").forEach(budget -> names.add(budget.path("name").asString()));
        return names;
    }

    static boolean has(JsonNode report, String name, String status) {
        return budget(report, name).path("status").asString().equals(status);
    }

    @Nested
    class AsShipped {

        @RegisterExtension
        SwitchboardExtension switchboard = MetricsIT.host().build();

        @Test
        void theBuiltInBudgetsAreTheCoreWebVitalsGoodThresholdsWithNoDataYet() throws Exception {
            JsonNode report = awaitReport(switchboard, r -> r.path("budgets").size() == 3);
            assertThat(names(report)).containsExactly("LCP p75", "INP p75", "CLS p75");
            assertThat(budget(report, "LCP p75").path("limit").asDouble()).isEqualTo(2500.0);
            assertThat(budget(report, "INP p75").path("limit").asDouble()).isEqualTo(200.0);
            assertThat(budget(report, "CLS p75").path("limit").asDouble()).isEqualTo(0.1);
            assertThat(budget(report, "CLS p75").path("unit").asString()).isEqualTo("score");
            report.path("budgets").forEach(budget -> assertThat(budget.path("status").asString()).isEqualTo("no_data"));
            assertThat(report.path("status").asString()).isEqualTo("no_data");
            assertThat(report.path("window").asString()).isEqualTo("5m");
            assertThat(report.path("minSamples").asInt()).isEqualTo(20);
            assertThat(report.path("alertAfter").asString()).isEqualTo("1m");
            assertThat(report.path("file").path("path").isNull()).isTrue();
            assertThat(report.path("file").path("error").isNull()).isTrue();

            SwitchboardExtension.CommandRun check = switchboard.command("performance", "check", "--url", switchboard.baseUri().toString());
            assertThat(check.exit()).as(check.err()).isZero();
            assertThat(check.out()).contains("LCP p75").contains("no_data: 0 of 3 budgets fail over the last 5m");
        }
    }

    @Nested
    class RoutesAndVitals {

        final Path file = file("""
                routes:
                  - route: "/api/things/{id: [0-9]+}"  # quoted: a colon and a space would start a mapping
                    method: GET
                    p95: 10s
                    error_rate: 1%
                  - route: /api/things/broken
                    error_rate: 0.1
                vitals:
                  LCP: 2.5s
                  CLS: 0.1
                """);

        @RegisterExtension
        SwitchboardExtension switchboard = host(file, "3s").build();

        /** What is recorded before the file is loaded is not measured: it had no budget. */
        @BeforeEach
        void awaitTheFile() throws Exception {
            awaitReport(switchboard, r -> r.path("file").path("loadedAt").isString());
        }

        @Test
        void aFailingBudgetFiresABreachEventAndClearsOnceItsWindowEmpties() throws Exception {
            try (SseClient notifications = switchboard.stream(null, "/api/events/stream?topics=system.notifications")) {
                notifications.expect(event -> event.name().equals("connected"), WAIT);
                for (int i = 0; i < 5; i++) {
                    assertThat(switchboard.get("/api/things/" + i).statusCode()).isEqualTo(200);
                }
                for (int i = 0; i < 3; i++) {
                    assertThat(switchboard.get("/api/things/broken").statusCode()).isEqualTo(500);
                }
                JsonNode report = awaitReport(switchboard, r -> has(r, "/api/things/broken error_rate", "fail")
                        && has(r, "GET /api/things/{id} p95", "pass"));
                assertThat(names(report)).containsExactly("GET /api/things/{id} p95", "GET /api/things/{id} error_rate",
                        "/api/things/broken error_rate", "LCP p75", "CLS p75");
                JsonNode fast = budget(report, "GET /api/things/{id} p95");
                assertThat(fast.path("samples").asLong()).isEqualTo(5);
                assertThat(fast.path("route").asString()).isEqualTo("/api/things/{id}");
                assertThat(fast.path("method").asString()).isEqualTo("GET");
                assertThat(fast.path("value").asDouble()).isBetween(0.0, 10_000.0);
                assertThat(budget(report, "GET /api/things/{id} error_rate").path("value").asDouble()).isZero();
                JsonNode broken = budget(report, "/api/things/broken error_rate");
                assertThat(broken.path("value").asDouble()).isEqualTo(1.0);
                assertThat(broken.path("limit").asDouble()).isEqualTo(0.1);
                assertThat(broken.path("alert").asString()).as("alert_after 0s").isEqualTo("firing");
                assertThat(broken.path("firingSince").asString()).isNotBlank();
                assertThat(report.path("status").asString()).isEqualTo("fail");
                assertThat(report.path("failing").asInt()).isEqualTo(1);
                assertThat(report.path("firing").asInt()).isEqualTo(1);
                assertThat(budget(report, "LCP p75").path("status").asString()).isEqualTo("no_data");

                SwitchboardExtension.CommandRun check = switchboard.command("performance", "check", "--url", switchboard.baseUri().toString());
                assertThat(check.exit()).as("a failing budget").isEqualTo(1);
                assertThat(check.out()).contains("/api/things/broken error_rate").contains("100.00 %").contains("10.00 %")
                        .contains("fail: 1 of 5 budgets fail over the last 3s");
                SwitchboardExtension.CommandRun json = switchboard.command("performance", "check", "--json", "--url", switchboard.baseUri().toString());
                assertThat(json.exit()).isEqualTo(1);
                assertThat(JSON.readTree(json.out()).path("failing").asInt()).isEqualTo(1);

                SseClient.Event breach = notifications.expect(event -> event.name().equals(BudgetEvaluator.BREACH), WAIT);
                JsonNode event = JSON.readTree(breach.data());
                assertThat(event.path("priority").asString()).isEqualTo("high");
                assertThat(event.path("data").path("name").asString()).isEqualTo("/api/things/broken error_rate");
                assertThat(event.path("data").path("message").asString())
                        .as("the alert may fire while the errors are still coming in")
                        .matches("/api/things/broken error_rate is 100\\.00 % over the last 3s, above its budget of 10\\.00 % \\((1 sample|[23] samples)\\)");

                // No more errors: once the window has moved past them the budget has no data, which is not failing.
                SseClient.Event recovered = notifications.expect(e -> e.name().equals(BudgetEvaluator.RECOVERED), WAIT);
                JsonNode cleared = JSON.readTree(recovered.data());
                assertThat(cleared.path("data").path("name").asString()).isEqualTo("/api/things/broken error_rate");
                assertThat(cleared.path("data").path("message").asString()).contains("is within its budget of 10.00 % again");
                JsonNode after = report(switchboard);
                assertThat(budget(after, "/api/things/broken error_rate").path("alert").asString()).isEqualTo("inactive");
                assertThat(after.path("firing").asInt()).isZero();
            }
        }

        @Test
        void theVitalsBudgetsAreTheP75OfWhatBrowsersReport() throws Exception {
            String batch = "[" + VitalsIT.report("LCP", "1000", "/dashboard") + "," + VitalsIT.report("LCP", "3000", "/editor") + ","
                    + VitalsIT.report("LCP", "3000", "/editor") + "," + VitalsIT.report("LCP", "3200", "/editor") + ","
                    + VitalsIT.report("CLS", "0.02", "/editor") + "]";
            assertThat(VitalsIT.post(switchboard, "application/json", batch).statusCode()).isEqualTo(204);

            JsonNode report = awaitReport(switchboard, r -> has(r, "LCP p75", "fail") && has(r, "CLS p75", "pass"));
            JsonNode lcp = budget(report, "LCP p75");
            assertThat(lcp.path("value").asDouble()).as("the p75 of 1000, 3000, 3000, 3200 ms").isCloseTo(3000, within(30.0));
            assertThat(lcp.path("samples").asLong()).isEqualTo(4);
            assertThat(lcp.path("kind").asString()).isEqualTo("vital");
            assertThat(budget(report, "CLS p75").path("value").asDouble()).isCloseTo(0.02, within(0.001));
        }

        @Test
        void aFileThatIsRefusedLeavesThePreviousBudgetsAndSaysWhereItIsWrong() throws Exception {
            String[][] refused = {
                    {"routes:\n  - route: /api/nothing/{id}\n    p95: 100ms\n",
                            "/routes/0/route: /api/nothing/{id} is not a route this host serves now"},
                    {"routes:\n  - route: /api/things/broken\n    p95: -5ms\n", "/routes/0/p95"},
                    {"routes:\n  - route: /api/things/broken\n    p95: 0ms\n", "/routes/0/p95: 0ms is not a believable limit"},
                    {"routes:\n  - route: /api/things/broken\n    error_rate: 150%\n", "/routes/0/error_rate: 150% is more than every request"},
                    {"routes:\n  - route: /api/things/broken\n    p95: 1s\n  - route: /api/things/broken\n    p99: 2s\n",
                            "/routes/1: /api/things/broken has a budget already, at /routes/0"},
                    {"vitals:\n  FID: 100ms\n", "/vitals"},
                    {"routes: [\n", "not YAML"},
            };
            for (String[] bad : refused) {
                rewrite(file, bad[0]);
                JsonNode report = awaitReport(switchboard, r -> r.path("file").path("error").asString("").contains(bad[1]));
                assertThat(report.path("file").path("error").asString()).as(bad[0]).startsWith(file + ": ");
                assertThat(report.path("file").path("errorAt").asString()).isNotBlank();
                assertThat(names(report)).as("the budgets in force before").contains("/api/things/broken error_rate", "LCP p75").hasSize(5);
                SwitchboardExtension.CommandRun check = switchboard.command("performance", "check", "--url", switchboard.baseUri().toString());
                assertThat(check.exit()).as("a refused file fails the check").isEqualTo(1);
                assertThat(check.err()).contains("the budgets file is refused").contains(bad[1]);
            }

            rewrite(file, "routes:\n  - route: /api/things\n    method: POST\n    p99: 2s\n");
            JsonNode fixed = awaitReport(switchboard, r -> r.path("file").path("error").isNull() && r.path("budgets").size() == 1);
            assertThat(names(fixed)).containsExactly("POST /api/things p99");
        }
    }

    @Nested
    class ARouteOfAPluginNotYetThere {

        final Path file = file("routes:\n  - route: /api/gadgets/{name}\n    p90: 1s\n");

        @RegisterExtension
        SwitchboardExtension switchboard = host(file, "5s").build();

        @Test
        void isRefusedUntilThePluginServesIt() throws Exception {
            JsonNode refused = awaitReport(switchboard, r -> !r.path("file").path("error").isNull());
            assertThat(refused.path("file").path("error").asString())
                    .contains("/routes/0/route: /api/gadgets/{name} is not a route this host serves now; the plugins' routes: ")
                    .contains("GET /api/things/{id}");
            assertThat(names(refused)).as("none are in force: the file never loaded").isEmpty();

            switchboard.deploy(gadgets());
            switchboard.awaitState("gadgets", PluginState.STARTED, "1.0.0");
            JsonNode loaded = awaitReport(switchboard, r -> r.path("file").path("error").isNull() && r.path("budgets").size() == 1);
            assertThat(names(loaded)).containsExactly("/api/gadgets/{name} p90");
            assertThat(switchboard.get("/api/gadgets/sprocket").statusCode()).isEqualTo(200);
            JsonNode measured = awaitReport(switchboard, r -> has(r, "/api/gadgets/{name} p90", "pass"));
            assertThat(budget(measured, "/api/gadgets/{name} p90").path("samples").asLong()).isEqualTo(1);
        }

        static Path gadgets() throws IOException {
            return PluginJarBuilder.plugin("gadgets", "1.0.0").requires(">=0.1.0").source("""
                    package test.gadgets;

                    import dev.switchboard.api.*;
                    import jakarta.ws.rs.*;
                    import org.pf4j.Extension;

                    @Extension
                    public class GadgetsPlugin implements SwitchboardPlugin {
                        @Override
                        public void start(Platform platform) {
                            platform.jaxrs(new Gadgets());
                        }

                        @Path("/api/gadgets")
                        public static class Gadgets {
                            @GET
                            @Path("/{name}")
                            @Produces("application/json")
                            public String gadget(@PathParam("name") String name) {
                                return "{\\"name\\":\\"" + name + "\\"}";
                            }
                        }
                    }
                    """).build(Files.createTempDirectory("gadgets-plugin"));
        }
    }

    @Nested
    class TheCheckCommand {

        @RegisterExtension
        SwitchboardExtension switchboard = MetricsIT.host().build();

        @Test
        void exitsTwoOnBadUsageAndOneWhenTheReportCannotBeHad() throws Exception {
            SwitchboardExtension.CommandRun unknown = switchboard.command("performance", "check", "--bogus");
            assertThat(unknown.exit()).isEqualTo(2);
            assertThat(unknown.err()).contains("unknown argument '--bogus'").contains("Usage: switchboard performance check");
            assertThat(switchboard.command("performance", "check", "--url").exit()).isEqualTo(2);
            SwitchboardExtension.CommandRun path = switchboard.command("performance", "check", "--url", "http://127.0.0.1:8080/api");
            assertThat(path.exit()).isEqualTo(2);
            assertThat(path.err()).contains("no path");

            SwitchboardExtension.CommandRun unreachable = switchboard.command("performance", "check", "--url", "http://127.0.0.1:1");
            assertThat(unreachable.exit()).isEqualTo(1);
            assertThat(unreachable.err()).contains("cannot reach http://127.0.0.1:1/api/performance/budgets");

            SwitchboardExtension.CommandRun help = switchboard.command("performance", "check", "--help");
            assertThat(help.exit()).isZero();
            assertThat(help.out()).contains("--token TOKEN").contains("--json");
        }
    }

    @Nested
    class FromElsewhere {

        @RegisterExtension
        SwitchboardExtension switchboard = MetricsIT.host()
                .set("performance.metrics.allowed_addresses", "10.255.255.0/24")
                .set("performance.metrics.token", "scrape-s3cret")
                .build();

        @Test
        void theReportNeedsTheScrapeTokenAndTheCheckSendsIt() throws Exception {
            HttpResponse<String> without = switchboard.get(BudgetsResource.PATH);
            assertThat(without.statusCode()).isEqualTo(401);
            assertThat(without.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
            assertThat(switchboard.send(switchboard.as("scrape-s3cret", BudgetsResource.PATH).GET().build()).statusCode()).isEqualTo(200);

            SwitchboardExtension.CommandRun wrong = switchboard.command("performance", "check", "--url", switchboard.baseUri().toString(),
                    "--token", "wrong");
            assertThat(wrong.exit()).isEqualTo(1);
            assertThat(wrong.err()).contains("answered 401");
            SwitchboardExtension.CommandRun byDefault = switchboard.command("performance", "check", "--url", switchboard.baseUri().toString());
            assertThat(byDefault.exit()).as("performance.metrics.token by default: " + byDefault.err()).isZero();
        }
    }
}
