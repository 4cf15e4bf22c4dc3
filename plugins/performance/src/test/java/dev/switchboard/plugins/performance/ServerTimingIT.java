package dev.switchboard.plugins.performance;

import dev.switchboard.testkit.SwitchboardExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code Server-Timing} on what passes the gateway: the host's parts, a skill call's, the total; none on /metrics. */
class ServerTimingIT {

    private static final String MS = "[0-9]+\\.[0-9]{3}";

    @RegisterExtension
    static SwitchboardExtension switchboard = MetricsIT.host().build();

    @Test
    void aRouteGetsTheGatewayAndTheTotal() throws Exception {
        HttpResponse<String> thing = switchboard.get("/api/things/7");
        assertThat(thing.headers().allValues("Server-Timing")).singleElement().asString()
                .matches("gateway;dur=" + MS + ", total;dur=" + MS);
        assertThat(switchboard.get("/api/nothing-here").headers().firstValue("Server-Timing")).as("the host's 404 too")
                .hasValueSatisfying(value -> assertThat(value).matches("gateway;dur=" + MS + ", total;dur=" + MS));
    }

    @Test
    void aSkillCallSaysWhetherItRanOrCameFromTheCache() throws Exception {
        HttpRequest call = switchboard.as("any", "/api/skills/describe-thing/invoke").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"id\": 12}")).build();
        HttpResponse<String> first = switchboard.send(call);
        assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
        assertThat(first.headers().firstValue("Server-Timing")).hasValueSatisfying(value -> assertThat(value)
                .matches("gateway;dur=" + MS + ", skill;dur=" + MS + ";desc=\"describe-thing\", total;dur=" + MS));
        HttpResponse<String> again = switchboard.send(call);
        assertThat(again.headers().firstValue("Server-Timing")).hasValueSatisfying(value -> assertThat(value)
                .matches("gateway;dur=" + MS + ", cache;dur=" + MS + ";desc=\"hit\", total;dur=" + MS));
    }

    @Test
    void metricsAreAnsweredWithout() throws Exception {
        assertThat(switchboard.get("/metrics").headers().firstValue("Server-Timing")).isEmpty();
    }

    @Test
    void descriptionsAreQuotedAndStripped() {
        assertThat(ServerTimingFilter.header(List.of(new dev.switchboard.api.RequestTimings.Entry("upstream", null, "say \"hi\"\\\n")),
                java.time.Duration.ofMillis(2))).isEqualTo("upstream;desc=\"say \\\"hi\\\"\\\\\", total;dur=2.000");
    }
}
