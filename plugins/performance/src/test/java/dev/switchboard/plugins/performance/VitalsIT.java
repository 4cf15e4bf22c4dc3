package dev.switchboard.plugins.performance;

import dev.switchboard.testkit.SwitchboardExtension;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code POST /api/vitals}: what the web-vitals library sends, as fetch or sendBeacon send it, and what it must refuse. */
class VitalsIT {

    static HttpResponse<String> post(SwitchboardExtension host, String contentType, String body) throws Exception {
        return host.send(HttpRequest.newBuilder(host.uri("/api/vitals")).header("Content-Type", contentType)
                .header("Referer", "http://127.0.0.1/dashboard?tab=2").POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    /** A report as web-vitals 6 makes it, with the page the console adds. */
    static String report(String name, String value, String page) {
        return """
                {"name":"%s","value":%s,"rating":"good","delta":%2$s,"id":"v5-1733300000000-123","navigationType":"navigate","page":"%s","entries":[]}"""
                .formatted(name, value, page);
    }

    @Nested
    class AsShipped {

        @RegisterExtension
        SwitchboardExtension switchboard = MetricsIT.host().build();

        @Test
        void aReportAndABeaconsBatchAreAggregatedPerPage() throws Exception {
            assertThat(post(switchboard, "application/json", report("LCP", "1830.5", "/dashboard")).statusCode()).isEqualTo(204);
            String batch = "[" + report("LCP", "2100", "/dashboard") + "," + report("CLS", "0.04", "/dashboard") + ","
                    + report("INP", "180", "/editor") + "]";
            assertThat(post(switchboard, "text/plain;charset=UTF-8", batch).statusCode()).as("what sendBeacon sends").isEqualTo(204);

            Exposition metrics = MetricsIT.scrape(switchboard);
            assertThat(metrics.value("web_vitals_lcp_seconds_count", "page", "/dashboard")).isEqualTo(2.0);
            assertThat(metrics.value("web_vitals_lcp_seconds_sum", "page", "/dashboard")).isCloseTo(3.9305, org.assertj.core.api.Assertions.within(1e-9));
            assertThat(metrics.value("web_vitals_lcp_seconds_bucket", "page", "/dashboard", "le", "2.5")).as("good: <= 2.5 s").isEqualTo(2.0);
            assertThat(metrics.value("web_vitals_lcp_seconds_bucket", "page", "/dashboard", "le", "1.8")).isEqualTo(0.0);
            assertThat(metrics.value("web_vitals_lcp_seconds_bucket", "page", "/dashboard", "le", "2.0")).as("no such bound").isEqualTo(0.0);
            assertThat(metrics.value("web_vitals_cls_thousandths_count", "page", "/dashboard")).isEqualTo(1.0);
            assertThat(metrics.value("web_vitals_cls_thousandths_bucket", "page", "/dashboard", "le", "50.0")).as("0.04 <= 0.05").isEqualTo(1.0);
            assertThat(metrics.value("web_vitals_cls_thousandths_bucket", "page", "/dashboard", "le", "10.0")).isEqualTo(0.0);
            assertThat(metrics.value("web_vitals_inp_seconds_count", "page", "/editor")).isEqualTo(1.0);
        }

        @Test
        void withoutAPageTheReferersPathIsThePage() throws Exception {
            assertThat(post(switchboard, "application/json", "{\"name\":\"TTFB\",\"value\":120}").statusCode()).isEqualTo(204);
            assertThat(MetricsIT.scrape(switchboard).value("web_vitals_ttfb_seconds_count", "page", "/dashboard")).isEqualTo(1.0);
        }

        @Test
        void badReportsAreRefusedNamingThePlaceAndNothingOfTheBatchCounts() throws Exception {
            String[][] cases = {
                    {"{\"name\":\"LCP\",", "The body is not JSON"},
                    {"{\"name\":\"LCP\",\"value\":NaN}", "The body is not JSON"},
                    {"\"LCP\"", "Send a web-vitals report"},
                    {"[]", "Send 1 to 100 reports in an array; this one has 0."},
                    {report("FID", "12", "/dashboard"), "/name: there is no metric 'FID'"},
                    {report("LCP", "-1", "/dashboard"), "/value: -1 is not a believable LCP (0 to 600000 ms)."},
                    {report("LCP", "1e12", "/dashboard"), "/value: 1.0E12 is not a believable LCP"},
                    {report("CLS", "50", "/dashboard"), "/value: 50 is not a believable CLS (0 to 10)."},
                    {"{\"name\":\"LCP\",\"value\":\"fast\"}", "/value"},
                    {"{\"value\":100}", "/name"},
                    {"[" + report("LCP", "100", "/dashboard") + "," + report("XYZ", "1", "/dashboard") + "]", "/1/name: there is no metric 'XYZ'"},
            };
            for (String[] bad : cases) {
                HttpResponse<String> refused = post(switchboard, "application/json", bad[0]);
                assertThat(refused.statusCode()).as(bad[0]).isEqualTo(400);
                assertThat(refused.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
                assertThat(refused.body()).as(bad[0]).contains(bad[1]);
            }
            assertThat(MetricsIT.scrape(switchboard).named("web_vitals_lcp_seconds_count")).as("nothing was recorded").isEmpty();
        }

        @Test
        void aMegabyteBeaconIs413AndAnUnknownTypeIs415() throws Exception {
            String huge = "[" + report("LCP", "100", "/" + "x".repeat(1_000_000)) + "]";
            HttpResponse<String> tooBig = post(switchboard, "text/plain", huge);
            assertThat(tooBig.statusCode()).isEqualTo(413);
            assertThat(tooBig.body()).contains("at most 65536 bytes (performance.vitals.max_body)");
            assertThat(post(switchboard, "application/xml", "<lcp/>").statusCode()).isEqualTo(415);
        }
    }

    @Nested
    class TenThousandPages {

        @RegisterExtension
        SwitchboardExtension switchboard = MetricsIT.host().set("performance.vitals.requests_per_minute", "1000").build();

        @Test
        void areBoundedByMaxPages() throws Exception {
            for (int request = 0; request < 100; request++) {
                StringBuilder batch = new StringBuilder("[");
                for (int i = 0; i < 100; i++) {
                    batch.append(i == 0 ? "" : ",").append(report("FCP", "900", "/student/" + (request * 100 + i) + "?session=abc"));
                }
                assertThat(post(switchboard, "application/json", batch.append("]").toString()).statusCode()).isEqualTo(204);
            }
            Exposition metrics = MetricsIT.scrape(switchboard);
            Set<String> pages = metrics.named("web_vitals_fcp_seconds_count").stream().map(sample -> sample.labels().get("page"))
                    .collect(Collectors.toSet());
            assertThat(pages).hasSize(101).contains("OTHER", "/student/0", "/student/99").doesNotContain("/student/100");
            assertThat(metrics.value("web_vitals_fcp_seconds_count")).as("every report counted").isEqualTo(10_000.0);
        }
    }

    @Nested
    class RateLimited {

        @RegisterExtension
        SwitchboardExtension switchboard = MetricsIT.host().set("performance.vitals.requests_per_minute", "3").build();

        @Test
        void theFourthReportInAMinuteGets429WithRetryAfter() throws Exception {
            for (int i = 0; i < 3; i++) {
                assertThat(post(switchboard, "application/json", report("LCP", "100", "/")).statusCode()).isEqualTo(204);
            }
            HttpResponse<String> limited = post(switchboard, "application/json", report("LCP", "100", "/"));
            assertThat(limited.statusCode()).isEqualTo(429);
            assertThat(limited.headers().firstValue("Retry-After")).hasValueSatisfying(seconds -> assertThat(Integer.parseInt(seconds)).isBetween(1, 60));
            assertThat(limited.body()).contains("More than 3 vitals reports a minute from 127.0.0.1");
            assertThat(MetricsIT.scrape(switchboard).value("web_vitals_lcp_seconds_count")).isEqualTo(3.0);
        }
    }
}
