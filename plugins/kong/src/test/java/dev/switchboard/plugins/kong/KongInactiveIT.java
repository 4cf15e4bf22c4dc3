package dev.switchboard.plugins.kong;

import dev.switchboard.testkit.SwitchboardExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** Without {@code kong.declarative_config} the plugin passes everything through and says so. */
class KongInactiveIT {

    @RegisterExtension
    static SwitchboardExtension switchboard = SwitchboardExtension.builder()
            .plugin(Path.of(System.getProperty("plugin.jar")))
            .plugin(EchoPlugin.build(tempDir()))
            .build();

    private static Path tempDir() {
        try {
            return Files.createTempDirectory("kong-inactive-it");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void passesEverythingThroughAndSaysSo() throws Exception {
        JsonNode health = JsonMapper.shared().readTree(switchboard.get("/api/health/kong").body());
        assertThat(health.get("status").asString()).isEqualTo("UP");
        assertThat(health.get("active").asBoolean()).isFalse();
        assertThat(health.get("detail").asString()).contains("inactive");
        // Kong's consumer headers are left alone too: with no policy the plugin does nothing.
        HttpResponse<String> echo = switchboard.send(HttpRequest.newBuilder(switchboard.uri("/api/echo")).build());
        assertThat(echo.statusCode()).isEqualTo(200);
        assertThat(echo.headers().map().keySet()).noneMatch(h -> h.toLowerCase().contains("ratelimit"));
    }
}
