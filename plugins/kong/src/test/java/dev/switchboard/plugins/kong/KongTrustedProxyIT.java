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
                        acls: [{group: publisher}]
                        jwt_secrets: [{key: alice-issuer, secret: "alice-secret-0123456789-abcdefghijkl"}]
                      - username: bob
                        custom_id: student-2
                        jwt_secrets: [{key: bob-issuer, secret: "bob-secret-0123456789-abcdefghijklmno"}]
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

    /**
     * What Kong passes upstream after its jwt plugin: the consumer headers and the token itself,
     * here signed with a key Switchboard does not know (Kong checked it).
     */
    private static HttpRequest.Builder fromKong(SwitchboardExtension host, String path, String consumer) {
        String token = Tokens.sign(JwtAlgorithm.HS256, Tokens.hmac("a-key-only-kong-knows-0123456789abcdef"),
                Map.of("iss", consumer + "-issuer", "sub", "someone-else", "roles", List.of("admin")));
        return HttpRequest.newBuilder(host.uri(path)).header("Authorization", "Bearer " + token)
                .header("X-Consumer-Username", consumer).header("X-Credential-Identifier", consumer + "-issuer")
                .header("X-Consumer-Groups", "admin");
    }

    @Test
    void aTokenThatVerifiesHereGivesItsClaims() throws Exception {
        String token = Tokens.sign(JwtAlgorithm.HS256, Tokens.hmac("bob-secret-0123456789-abcdefghijklmno"),
                Map.of("iss", "bob-issuer", "sub", "student-2b", "roles", List.of("publisher")));
        HttpResponse<String> published = trusted.send(HttpRequest.newBuilder(trusted.uri("/api/events/student.progress"))
                .header("Authorization", "Bearer " + token).header("X-Consumer-Username", "bob").header("X-Credential-Identifier", "bob-issuer")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"type\":\"progress\",\"data\":{\"step\":1}}")).build());
        assertThat(published.statusCode()).as(published.body()).isBetween(200, 299);
    }

    @Test
    void kongsHeadersAreBelievedFromATrustedProxy() throws Exception {
        HttpResponse<String> echo = trusted.send(fromKong(trusted, "/api/echo/jwt", "alice").build());
        assertThat(echo.statusCode()).as(echo.body()).isEqualTo(200);
        JsonNode seen = JSON.readTree(echo.body());
        assertThat(seen.get("X-Consumer-Username").asString()).isEqualTo("alice");
        assertThat(seen.get("X-Credential-Identifier").asString()).isEqualTo("alice-issuer");

        // The principal is the policy's consumer: its custom_id and its ACL groups. What the
        // unverifiable token and X-Consumer-Groups claim (sub, admin) counts for nothing.
        String event = "{\"type\":\"progress\",\"data\":{\"step\":1}}";
        HttpResponse<String> published = trusted.send(fromKong(trusted, "/api/events/student.progress", "alice")
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(event)).build());
        assertThat(published.statusCode()).as(published.body()).isBetween(200, 299);
        HttpResponse<String> refused = trusted.send(fromKong(trusted, "/api/events/student.progress", "bob")
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(event)).build());
        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(refused.body()).contains("student-2");

        // Headers naming a consumer or credential the policy does not have are not Kong's: checked here.
        HttpResponse<String> stranger = trusted.send(fromKong(trusted, "/api/echo/jwt", "mallory").build());
        assertThat(stranger.statusCode()).isEqualTo(401);
        HttpResponse<String> wrongCredential = trusted.send(HttpRequest.newBuilder(trusted.uri("/api/echo/jwt"))
                .header("X-Consumer-Username", "alice").header("X-Credential-Identifier", "bob-issuer").build());
        assertThat(wrongCredential.statusCode()).isEqualTo(401);
        // On a route without jwt, Kong passes a client's headers on untouched: removed here.
        JsonNode free = JSON.readTree(trusted.send(fromKong(trusted, "/api/echo/free", "alice").build()).body());
        assertThat(free.get("X-Consumer-Username").isNull()).isTrue();

        // Without Kong's headers the request is checked here, as without a proxy.
        HttpResponse<String> unchecked = trusted.send(HttpRequest.newBuilder(trusted.uri("/api/echo/jwt")).build());
        assertThat(unchecked.statusCode()).isEqualTo(401);
    }

    @Test
    void fromAnyOtherAddressKongsHeadersAreRemoved() throws Exception {
        HttpResponse<String> free = untrusted.send(fromKong(untrusted, "/api/echo/free", "alice").build());
        assertThat(free.statusCode()).isEqualTo(200);
        JsonNode seen = JSON.readTree(free.body());
        for (String header : List.of("X-Consumer-ID", "X-Consumer-Username", "X-Consumer-Custom-ID", "X-Credential-Identifier")) {
            assertThat(seen.get(header).isNull()).as(header).isTrue();
        }
        HttpResponse<String> jwt = untrusted.send(fromKong(untrusted, "/api/echo/jwt", "alice").build());
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
