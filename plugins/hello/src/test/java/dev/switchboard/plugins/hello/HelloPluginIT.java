package dev.switchboard.plugins.hello;

import dev.switchboard.testkit.PluginState;
import dev.switchboard.testkit.PluginStatus;
import dev.switchboard.testkit.SwitchboardExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.net.http.HttpResponse;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The sample plugin, packaged, in a real host: how a plugin author tests a plugin. */
class HelloPluginIT {

    @RegisterExtension
    static SwitchboardExtension switchboard = SwitchboardExtension.builder()
            .plugin(Path.of(System.getProperty("plugin.jar")))
            .set("hello.greeting", "Bonjour")
            .set("hello.max_name_length", "10")
            .build();

    @Test
    void startsWithItsRoutesFilterAndHealthCheck() {
        PluginStatus hello = switchboard.plugin("hello").orElseThrow();
        assertThat(hello.state()).isEqualTo(PluginState.STARTED);
        assertThat(hello.routes()).containsExactly("GET /api/hello");
        assertThat(hello.filters()).containsExactly("NameLengthFilter@800");
        assertThat(hello.healthChecks()).containsExactly("greetings");
    }

    @Test
    void greetsWithTheConfiguredGreeting() throws Exception {
        HttpResponse<String> response = switchboard.get("/api/hello?name=Ada");
        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode body = JsonMapper.shared().readTree(response.body());
        assertThat(body.get("message").asString()).isEqualTo("Bonjour, Ada!");
        assertThat(body.get("version").asString()).isEqualTo(hello().version());
        assertThat(response.headers().firstValue("X-Hello-Filter")).hasValue("checked");
    }

    @Test
    void theFilterRefusesLongNames() throws Exception {
        HttpResponse<String> response = switchboard.get("/api/hello?name=Bartholomew-the-Great");
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(response.body()).contains("at most 10 are accepted");
    }

    @Test
    void healthCountsGreetings() throws Exception {
        switchboard.get("/api/hello");
        JsonNode ready = JsonMapper.shared().readTree(switchboard.get("/health/ready").body());
        JsonNode check = ready.at("/components/plugins/plugins/hello/checks/greetings");
        assertThat(check.get("status").asString()).isEqualTo("UP");
        assertThat(check.at("/details/greeted").asLong()).isPositive();
    }

    private static PluginStatus hello() {
        return switchboard.plugin("hello").orElseThrow();
    }
}
