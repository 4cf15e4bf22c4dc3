package dev.switchboard.plugins.performance;

import dev.switchboard.testkit.PluginState;
import dev.switchboard.testkit.PluginStatus;
import dev.switchboard.testkit.SwitchboardExtension;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.HttpResponse;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Who may scrape. The tests run on loopback, so "a scraper from elsewhere" is a loopback one on a
 * host whose {@code allowed_addresses} leave loopback out.
 */
class ScrapeAccessIT {

    private static final String ELSEWHERE = "10.255.255.0/24";

    @Nested
    class WithAToken {

        @RegisterExtension
        SwitchboardExtension switchboard = MetricsIT.host()
                .set("performance.metrics.allowed_addresses", ELSEWHERE)
                .set("performance.metrics.token", "scrape-s3cret")
                .build();

        @Test
        void aScraperFromElsewhereNeedsTheToken() throws Exception {
            HttpResponse<String> without = switchboard.get("/metrics");
            assertThat(without.statusCode()).isEqualTo(401);
            assertThat(without.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"metrics\"");
            assertThat(without.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
            assertThat(without.body()).contains("needs Authorization: Bearer with performance.metrics.token").doesNotContain("scrape-s3cret");

            HttpResponse<String> wrong = switchboard.send(switchboard.as("scrape-s3cres", "/metrics").GET().build());
            assertThat(wrong.statusCode()).isEqualTo(401);
            assertThat(wrong.body()).contains("is not performance.metrics.token");

            HttpResponse<String> right = switchboard.send(switchboard.as("scrape-s3cret", "/metrics").GET().build());
            assertThat(right.statusCode()).isEqualTo(200);
            assertThat(right.body()).contains("# TYPE http_server_requests_seconds histogram");
        }

        @Test
        void theGuardCoversEverythingUnderMetricsAndNothingElse() throws Exception {
            assertThat(switchboard.get("/metrics/anything").statusCode()).isEqualTo(401);
            assertThat(switchboard.get("/api/things/1").statusCode()).isEqualTo(200);
        }
    }

    @Nested
    class WithoutAToken {

        @RegisterExtension
        SwitchboardExtension switchboard = MetricsIT.host()
                .set("performance.metrics.allowed_addresses", ELSEWHERE)
                .build();

        @Test
        void aScraperFromElsewhereIsRefused() throws Exception {
            HttpResponse<String> refused = switchboard.send(switchboard.as("any-token", "/metrics").GET().build());
            assertThat(refused.statusCode()).isEqualTo(403);
            assertThat(refused.body()).contains("is not in performance.metrics.allowed_addresses, and no performance.metrics.token is set");
        }
    }

    @Nested
    class WithBadSettings {

        @RegisterExtension
        SwitchboardExtension switchboard = MetricsIT.host()
                .set("performance.metrics.allowed_addresses", "127.0.0.1,prometheus.local")
                .build();

        @Test
        void theKeyIsNamedAndTheOtherPluginsServe() throws Exception {
            PluginStatus status = switchboard.awaitState("performance", PluginState.FAILED, null);
            assertThat(status.reason()).contains("performance.metrics.allowed_addresses[1]", "'prometheus.local' is not an IP address or CIDR block");
            assertThat(switchboard.get("/metrics").statusCode()).isEqualTo(404);
            assertThat(switchboard.get("/api/things/1").statusCode()).isEqualTo(200);
        }
    }

    @Nested
    class WithBucketsOutOfOrder {

        @RegisterExtension
        SwitchboardExtension switchboard = MetricsIT.host()
                .set("performance.requests.buckets", "10ms,5ms")
                .build();

        @Test
        void theKeyIsNamed() throws Exception {
            PluginStatus status = switchboard.awaitState("performance", PluginState.FAILED, null);
            assertThat(status.reason()).contains("performance.requests.buckets[1]: the bounds must increase, 5ms follows 10ms");
        }
    }

    @Nested
    class Disabled {

        @RegisterExtension
        SwitchboardExtension switchboard = MetricsIT.host().set("performance.enabled", "false").build();

        @Test
        void nothingIsServedOrTimed() throws Exception {
            assertThat(switchboard.awaitState("performance", PluginState.STARTED, null).filters()).isEmpty();
            assertThat(switchboard.get("/metrics").statusCode()).isEqualTo(404);
            assertThat(switchboard.meters().find("http.server.requests").meters()).isEmpty();
        }
    }
}
