package dev.switchboard.testkit;

import dev.switchboard.runtime.config.ConfigLoader;
import dev.switchboard.runtime.config.ConfigOverride;
import dev.switchboard.runtime.server.StartupException;
import dev.switchboard.runtime.server.Switchboard;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The host itself: health, errors as problem+json, limits, HTTP/2, a taken port. */
class HostIT {

    @RegisterExtension
    static SwitchboardExtension switchboard = SwitchboardExtension.builder()
            .set("limits.max_request_body", "1KB")
            .set("plugins.max_upload", "1KB")
            .build();

    @Test
    void healthEndpoints() throws Exception {
        HttpResponse<String> live = switchboard.get("/health/live");
        assertThat(live.statusCode()).isEqualTo(200);
        assertThat(live.body()).isEqualTo("{\"status\":\"UP\"}");
        HttpResponse<String> ready = switchboard.get("/health/ready");
        assertThat(ready.statusCode()).isEqualTo(200);
        JsonNode body = JsonMapper.shared().readTree(ready.body());
        assertThat(body.get("status").asString()).isEqualTo("UP");
        assertThat(body.at("/components/server/status").asString()).isEqualTo("UP");
        assertThat(body.at("/components/plugins/status").asString()).isEqualTo("UP");
    }

    @Test
    void unknownRoutesAreProblems() throws Exception {
        for (String path : List.of("/nope", "/api/nothing/here", "/admin/nope", "/health/nope", "/api/events/x/y", "/api/skills/x", "/mcp/x", "/.well-known/nope")) {
            HttpResponse<String> response = switchboard.get(path);
            assertThat(response.statusCode()).as(path).isEqualTo(404);
            assertThat(response.headers().firstValue("Content-Type")).as(path).hasValue("application/problem+json");
            JsonNode problem = JsonMapper.shared().readTree(response.body());
            assertThat(problem.get("status").asInt()).isEqualTo(404);
            assertThat(problem.get("title").asString()).isEqualTo("Not Found");
            assertThat(problem.get("detail").asString()).isNotBlank();
        }
        HttpResponse<String> wrongMethod = switchboard.send(HttpRequest.newBuilder(switchboard.uri("/health/live"))
                .DELETE().build());
        assertThat(wrongMethod.statusCode()).isEqualTo(405);
        assertThat(wrongMethod.body()).contains("DELETE is not allowed on /health/live");
    }

    @Test
    void oversizedBodiesAre413WithAProblem() throws Exception {
        HttpResponse<String> declared = switchboard.send(HttpRequest.newBuilder(switchboard.uri("/api/anything"))
                .POST(HttpRequest.BodyPublishers.ofString("x".repeat(4096))).build());
        assertThat(declared.statusCode()).isEqualTo(413);
        assertThat(declared.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(declared.body()).contains("larger than the 1KB accepted here");

        // A chunked body (no Content-Length) is cut off once it passes the limit.
        String response = raw("POST /admin/plugins HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n"
                + "Content-Type: application/java-archive\r\n"
                + "Authorization: Bearer " + switchboard.adminToken() + "\r\nConnection: close\r\n\r\n"
                + "800\r\n" + "y".repeat(2048) + "\r\n0\r\n\r\n");
        assertThat(response).startsWith("HTTP/1.1 413").contains("application/problem+json");
    }

    @Test
    void aDeclaredOversizedBodyIsDrainedSoTheClientReadsIts413() throws Exception {
        // The whole body is sent before the response is read, as a simple client does. The host
        // reads and discards it, answers 413 and keeps the connection: the next request on it works.
        String response = raw("POST /api/anything HTTP/1.1\r\nHost: localhost\r\nContent-Length: 300000\r\n\r\n"
                + "z".repeat(300_000)
                + "GET /health/live HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
        assertThat(response).startsWith("HTTP/1.1 413");
        assertThat(response.substring(response.indexOf("\r\n\r\n"))).contains("HTTP/1.1 200").endsWith("{\"status\":\"UP\"}");

        // Past the drain limit the host answers at once and closes the connection.
        String huge = raw("POST /api/anything HTTP/1.1\r\nHost: localhost\r\nContent-Length: 1000000000\r\n\r\n");
        assertThat(huge).startsWith("HTTP/1.1 413").containsIgnoringCase("Connection: close");
    }

    @Test
    void malformedRequestsGetProblems() throws Exception {
        String response = raw("GET /%zz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
        assertThat(response).startsWith("HTTP/1.1 400").contains("application/problem+json").doesNotContain("<html");
        String headers = raw("GET /health/live HTTP/1.1\r\nHost: localhost\r\nX-Big: " + "a".repeat(20_000) + "\r\nConnection: close\r\n\r\n");
        assertThat(headers).startsWith("HTTP/1.1 431").contains("application/problem+json");
    }

    @Test
    void cleartextHttp2() throws Exception {
        HttpClient h2 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build();
        HttpResponse<String> response = h2.send(HttpRequest.newBuilder(switchboard.uri("/health/live")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.version()).isEqualTo(HttpClient.Version.HTTP_2);
    }

    @Test
    void aTakenPortIsAClearStartupError() {
        int port = switchboard.baseUri().getPort();
        assertThatThrownBy(() -> Switchboard.start(ConfigLoader.load(Path.of(System.getProperty("java.io.tmpdir")), Optional.empty(), Map.of(),
                List.of(new ConfigOverride("port", Integer.toString(port), "--port"),
                        new ConfigOverride("plugins.dir", switchboard.home().resolve("other-plugins").toString(), "test")))))
                .isInstanceOf(StartupException.class)
                .hasMessageContaining("Cannot listen on 127.0.0.1:" + port)
                .hasMessageContaining("already in use");
    }

    private static String raw(String request) throws Exception {
        return RawHttp.send(switchboard, request);
    }
}
