package dev.switchboard.plugins.kong;

import dev.switchboard.testkit.SwitchboardExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Request validation (Kong Enterprise's request-validator, with JSON Schema) and Kong's
 * request-size-limiting: each violation listed with its JSON pointer, oversized bodies refused,
 * and a valid body reaching the route whole after the gateway read it.
 */
class KongValidationIT {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Path POLICY;

    static {
        try {
            POLICY = Files.writeString(Files.createTempDirectory("kong-validation-it").resolve("kong.yml"), """
                    _format_version: "3.0"
                    routes:
                      - name: items
                        paths: ["~/api/echo/items/(?<id>[^/]+)$"]
                        plugins:
                          - name: request-validator
                            config:
                              version: draft4
                              body_schema: '{"type":"object","required":["name","age"],"properties":{"name":{"type":"string","minLength":1},"age":{"type":"integer","minimum":0},"tags":{"type":"array","items":{"type":"string"}}},"additionalProperties":false}'
                              parameter_schema:
                                - {name: id, in: path, required: true, schema: '{"type":"integer","minimum":1}'}
                                - {name: page, in: query, required: false, schema: '{"type":"integer","maximum":100}'}
                                - {name: X-Trace, in: header, required: true, schema: '{"type":"string","pattern":"^[a-f0-9]{8}$"}'}
                              allowed_content_types: [application/json]
                      - name: upload
                        paths: [/api/echo/upload]
                        plugins:
                          - name: request-size-limiting
                            config: {allowed_payload_size: 1, size_unit: kilobytes}
                      - name: strict-upload
                        paths: [/api/echo/strict-upload]
                        plugins:
                          - name: request-size-limiting
                            config: {allowed_payload_size: 1, size_unit: kilobytes, require_content_length: true}
                    """);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @RegisterExtension
    static SwitchboardExtension switchboard = KongTestHosts.host(POLICY)
            .build();

    private static HttpResponse<String> post(String path, String contentType, String trace, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(switchboard.uri(path)).POST(HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        if (trace != null) {
            request.header("X-Trace", trace);
        }
        return switchboard.send(request.build());
    }

    private static String digest(byte[] body) throws Exception {
        return body.length + ":" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
    }

    @Test
    void aValidRequestReachesTheRouteWithItsWholeBody() throws Exception {
        String body = "{\"name\":\"Ada\",\"age\":36,\"tags\":[\"math\"]}";
        HttpResponse<String> ok = post("/api/echo/items/7?page=2", "application/json; charset=utf-8", "0badcafe", body);
        assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
        assertThat(ok.body()).isEqualTo(digest(body.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void everyViolationIsListedWithItsPointer() throws Exception {
        HttpResponse<String> bad = post("/api/echo/items/zero?page=500", "application/json", "XYZ",
                "{\"name\":\"\",\"tags\":[1],\"extra\":true}");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        JsonNode problem = JSON.readTree(bad.body());
        assertThat(problem.get("status").asInt()).isEqualTo(400);
        List<String> pointers = problem.get("errors").valueStream().map(e -> e.get("pointer").asString()).toList();
        assertThat(pointers).containsExactlyInAnyOrder("/path/id", "/query/page", "/headers/x-trace", "/body/name", "/body/age",
                "/body/tags/0", "/body/extra");
        assertThat(problem.get("detail").asString()).contains("7 violations");
        problem.get("errors").forEach(error -> assertThat(error.get("message").asString()).isNotBlank());

        HttpResponse<String> noTrace = post("/api/echo/items/3", "application/json", null, "{\"name\":\"a\",\"age\":1}");
        assertThat(JSON.readTree(noTrace.body()).at("/errors/0/pointer").asString()).isEqualTo("/headers/x-trace");
        assertThat(JSON.readTree(noTrace.body()).at("/errors/0/message").asString()).isEqualTo("required");

        HttpResponse<String> xml = post("/api/echo/items/3", "application/xml", "0badcafe", "<item/>");
        assertThat(xml.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(xml.body()).at("/errors/0/pointer").asString()).isEqualTo("/headers/content-type");

        HttpResponse<String> garbage = post("/api/echo/items/3", "application/json", "0badcafe", "{\"name\":");
        assertThat(JSON.readTree(garbage.body()).at("/errors/0").toString()).contains("/body", "not valid JSON");
    }

    @Test
    void bodiesOverTheSizeLimitAreRefusedWithKongsAnswer() throws Exception {
        HttpResponse<String> small = post("/api/echo/upload", "text/plain", null, "x".repeat(1024));
        assertThat(small.statusCode()).isEqualTo(200);
        assertThat(small.body()).startsWith("1024:");

        HttpResponse<String> large = post("/api/echo/upload", "text/plain", null, "x".repeat(1025));
        assertThat(large.statusCode()).isEqualTo(413);
        assertThat(large.body()).isEqualTo("{\"message\":\"Request size limit exceeded\"}");

        // Without Content-Length (chunked): the gateway reads up to the limit, and the route still gets every byte.
        byte[] chunked = "y".repeat(1000).getBytes(StandardCharsets.UTF_8);
        HttpResponse<String> streamed = switchboard.send(HttpRequest.newBuilder(switchboard.uri("/api/echo/upload"))
                .header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(chunked))).build());
        assertThat(streamed.statusCode()).as(streamed.body()).isEqualTo(200);
        assertThat(streamed.body()).isEqualTo(digest(chunked));
        HttpResponse<String> tooMuch = switchboard.send(HttpRequest.newBuilder(switchboard.uri("/api/echo/upload"))
                .header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(new byte[5000]))).build());
        assertThat(tooMuch.statusCode()).isEqualTo(413);

        HttpResponse<String> noLength = switchboard.send(HttpRequest.newBuilder(switchboard.uri("/api/echo/strict-upload"))
                .header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(new byte[10]))).build());
        assertThat(noLength.statusCode()).isEqualTo(411);
        assertThat(noLength.body()).isEqualTo("{\"message\":\"A valid Content-Length header is required\"}");
        // A request without a body needs no Content-Length.
        assertThat(switchboard.get("/api/echo/strict-upload").statusCode()).isEqualTo(200);
    }
}
