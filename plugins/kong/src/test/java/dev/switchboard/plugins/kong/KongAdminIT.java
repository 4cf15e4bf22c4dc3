package dev.switchboard.plugins.kong;

import dev.switchboard.testkit.SwitchboardExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** With {@code kong.admin_url}, the kong health reports the real Kong's {@code /status} and its latency. */
class KongAdminIT {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final KongAdminStandIn KONG;
    private static final Path POLICY;

    static {
        try {
            KONG = new KongAdminStandIn();
            POLICY = Files.writeString(Files.createTempDirectory("kong-admin-it").resolve("kong.yml"), "_format_version: \"3.0\"\n");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @RegisterExtension
    static SwitchboardExtension switchboard = SwitchboardExtension.builder()
            .plugin(Path.of(System.getProperty("plugin.jar")))
            .set("kong.declarative_config", POLICY.toString())
            .set("kong.admin_url", KONG.url())
            .build();

    @AfterAll
    static void stopKong() {
        KONG.close();
    }

    private static JsonNode health() throws Exception {
        return JSON.readTree(switchboard.get("/api/health/kong").body());
    }

    @Test
    void reportsKongsStatusThenItsTroubles() throws Exception {
        JsonNode up = health();
        assertThat(up.get("status").asString()).isEqualTo("UP");
        JsonNode admin = up.get("kong_admin");
        assertThat(admin.get("reachable").asBoolean()).isTrue();
        assertThat(admin.get("http_status").asInt()).isEqualTo(200);
        assertThat(admin.get("latency_ms").asDouble()).isPositive();
        assertThat(admin.at("/server/total_requests").asLong()).isEqualTo(1034);
        assertThat(admin.get("database_reachable").asBoolean()).isTrue();

        KONG.databaseReachable(false);
        JsonNode noDatabase = health();
        assertThat(noDatabase.get("status").asString()).isEqualTo("DEGRADED");
        assertThat(noDatabase.at("/kong_admin/database_reachable").asBoolean()).isFalse();
        JsonNode ready = JSON.readTree(switchboard.get("/health/ready").body());
        assertThat(ready.at("/components/plugins/plugins/kong/checks/gateway/status").asString()).isEqualTo("DEGRADED");

        KONG.close();
        JsonNode gone = health();
        assertThat(gone.get("status").asString()).isEqualTo("DEGRADED");
        assertThat(gone.at("/kong_admin/reachable").asBoolean()).isFalse();
        assertThat(gone.at("/kong_admin/error").asString()).contains("ConnectException");
    }
}
