package dev.switchboard.plugins.kong;

import dev.switchboard.plugins.kong.jwt.JwtAlgorithm;
import dev.switchboard.testkit.SwitchboardExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Behind a real Kong: from a trusted proxy address, Kong's consumer headers and forwarded address
 * are believed; from any other, they are removed and ignored.
 */
class KongTrustedProxyIT {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Path HOME;
    private static final Path POLICY;

    static {
        try {
            HOME = Files.createTempDirectory("kong-proxy-it");
            POLICY = Files.writeString(HOME.resolve("kong.yml"), """
                    _format_version: "3.0"
                    consumers:
                      - username: alice
                        custom_id: student-1
                        jwt_secrets: [{key: alice-issuer, secret: "alice-secret-0123456789-abcdefghijkl"}]
                    routes:
                      - name: jwt
                        paths: [/api/echo/jwt, /api/events]
                        plugins: [{name: jwt}]
                      - name: free
                        paths: [/api/echo/free]
                      - name: ip
                        paths: [/api/echo/ip]
                        plugins: [{name: rate-limiting, config: {day: 1, limit_by: ip}}]
                    """);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Behind a Kong on loopback: the test client plays Kong. */
    @RegisterExtension
    static SwitchboardExtension trusted = instance("127.0.0.1/32");

    /** Kong is elsewhere: the test client is an ordinary client. */
    @RegisterExtension
    static SwitchboardExtension untrusted = instance("10.0.0.0/8");

    private static SwitchboardExtension instance(String proxies) {
        return KongTestHosts.host(POLICY)
                .set("kong.trusted_proxies", proxies)
                .build();
    }

    /** What Kong passes upstream after its jwt plugin: the consumer headers and the token itself. */
    private static HttpRequest.Builder fromKong(SwitchboardExtension host, String path, List<String> roles) {
        // Signed with a key Switchboard does not know: behind a trusted Kong, Kong checked it.
        String token = Tokens.sign(JwtAlgorithm.HS256, Tokens.hmac("a-key-only-kong-knows-0123456789abcdef"),
                Map.of("iss", "alice-issuer", "sub", "student-1", "roles", roles));
        return HttpRequest.newBuilder(host.uri(path)).header("Authorization", "Bearer " + token)
                .header("X-Consumer-ID", "0b7b0f4e-1111-2222-3333-444455556666").header("X-Consumer-Username", "alice")
                .header("X-Consumer-Custom-ID", "student-1").header("X-Credential-Identifier", "alice-issuer");
    }

    @Test
    void kongsHeadersAreBelievedFromATrustedProxy() throws Exception {
        HttpResponse<String> echo = trusted.send(fromKong(trusted, "/api/echo/jwt", List.of()).build());
        assertThat(echo.statusCode()).as(echo.body()).isEqualTo(200);
        JsonNode seen = JSON.readTree(echo.body());
        assertThat(seen.get("X-Consumer-Username").asString()).isEqualTo("alice");
        assertThat(seen.get("X-Credential-Identifier").asString()).isEqualTo("alice-issuer");

        // The principal's id and roles come from the token Kong verified.
        String event = "{\"type\":\"progress\",\"data\":{\"step\":1}}";
        HttpResponse<String> published = trusted.send(fromKong(trusted, "/api/events/student.progress", List.of("publisher"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(event)).build());
        assertThat(published.statusCode()).as(published.body()).isBetween(200, 299);
        HttpResponse<String> refused = trusted.send(fromKong(trusted, "/api/events/student.progress", List.of("student"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(event)).build());
        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(refused.body()).contains("student-1");

        // Without Kong's headers the request is checked here, as without a proxy.
        HttpResponse<String> unchecked = trusted.send(HttpRequest.newBuilder(trusted.uri("/api/echo/jwt")).build());
        assertThat(unchecked.statusCode()).isEqualTo(401);
    }

    @Test
    void fromAnyOtherAddressKongsHeadersAreRemoved() throws Exception {
        HttpResponse<String> free = untrusted.send(fromKong(untrusted, "/api/echo/free", List.of()).build());
        assertThat(free.statusCode()).isEqualTo(200);
        JsonNode seen = JSON.readTree(free.body());
        for (String header : List.of("X-Consumer-ID", "X-Consumer-Username", "X-Consumer-Custom-ID", "X-Credential-Identifier")) {
            assertThat(seen.get(header).isNull()).as(header).isTrue();
        }
        HttpResponse<String> jwt = untrusted.send(fromKong(untrusted, "/api/echo/jwt", List.of()).build());
        assertThat(jwt.statusCode()).isEqualTo(401);
        assertThat(jwt.body()).isEqualTo("{\"message\":\"Invalid signature\"}");
    }

    @Test
    void theForwardedAddressCountsOnlyFromATrustedProxy() throws Exception {
        assertThat(trusted.send(forwarded(trusted, "203.0.113.5")).statusCode()).isEqualTo(200);
        assertThat(trusted.send(forwarded(trusted, "203.0.113.5")).statusCode()).isEqualTo(429);
        assertThat(trusted.send(forwarded(trusted, "203.0.113.6")).statusCode()).isEqualTo(200);
        // A client's own X-Forwarded-For is ignored: both requests are 127.0.0.1's.
        assertThat(untrusted.send(forwarded(untrusted, "198.51.100.1")).statusCode()).isEqualTo(200);
        assertThat(untrusted.send(forwarded(untrusted, "198.51.100.2")).statusCode()).isEqualTo(429);
    }

    private static HttpRequest forwarded(SwitchboardExtension host, String client) {
        return HttpRequest.newBuilder(host.uri("/api/echo/ip")).header("X-Forwarded-For", client).build();
    }
}
