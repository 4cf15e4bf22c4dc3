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
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The embedded token endpoints: log in with a consumer's basic-auth credential, use the access
 * token, refresh with rotation, and a reused refresh token revoking its whole family.
 */
class KongTokensIT {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String SECRET = "switchboard-issuer-secret-0123456789abcdef";
    private static final Path HOME;
    private static final Path POLICY;

    static {
        try {
            HOME = Files.createTempDirectory("kong-tokens-it");
            POLICY = Files.writeString(HOME.resolve("kong.yml"), """
                    _format_version: "3.0"
                    consumers:
                      - username: switchboard
                        jwt_secrets: [{key: switchboard-issuer, algorithm: HS256, secret: "%s"}]
                      - username: alice
                        custom_id: student-1
                        acls: [{group: student}, {group: publisher}]
                        basicauth_credentials: [{username: alice, password: "correct horse battery staple"}]
                    plugins:
                      - name: jwt
                        config: {claims_to_verify: [exp]}
                    """.formatted(SECRET));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @RegisterExtension
    static SwitchboardExtension switchboard = KongTestHosts.host(POLICY)
            .set("kong.tokens.enabled", "true")
            .set("kong.tokens.credential", "switchboard-issuer")
            .build();

    private static HttpResponse<String> post(String path, String json) throws Exception {
        return switchboard.send(HttpRequest.newBuilder(switchboard.uri(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build());
    }

    private static JsonNode login() throws Exception {
        HttpResponse<String> response = post("/api/auth/token", "{\"username\":\"alice\",\"password\":\"correct horse battery staple\"}");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.headers().firstValue("Cache-Control")).hasValue("no-store");
        return JSON.readTree(response.body());
    }

    private static HttpResponse<String> refresh(String token) throws Exception {
        return post("/api/auth/refresh", "{\"refresh_token\":\"" + token + "\"}");
    }

    private static HttpResponse<String> echo(String accessToken) throws Exception {
        return switchboard.send(HttpRequest.newBuilder(switchboard.uri("/api/echo")).header("Authorization", "Bearer " + accessToken).build());
    }

    @Test
    void loginIssuesTokensTheJwtPluginAccepts() throws Exception {
        JsonNode tokens = login();
        assertThat(tokens.get("token_type").asString()).isEqualTo("Bearer");
        assertThat(tokens.get("expires_in").asInt()).isEqualTo(900);
        assertThat(tokens.get("refresh_expires_in").asInt()).isEqualTo(1_209_600);
        HttpResponse<String> echo = echo(tokens.get("access_token").asString());
        assertThat(echo.statusCode()).as(echo.body()).isEqualTo(200);
        assertThat(JSON.readTree(echo.body()).get("X-Credential-Identifier").asString()).isEqualTo("switchboard-issuer");
        // The consumer is the one who logged in, not the issuer's.
        assertThat(JSON.readTree(echo.body()).get("X-Consumer-Username").asString()).isEqualTo("alice");
        // The consumer's ACL groups are the token's roles; its custom_id is the subject.
        HttpResponse<String> published = switchboard.publish(tokens.get("access_token").asString(), "student.progress",
                "{\"type\":\"progress\",\"data\":{\"step\":1}}");
        assertThat(published.statusCode()).as(published.body()).isBetween(200, 299);
        String payload = tokens.get("access_token").asString().split("\\.")[1];
        JsonNode claims = JSON.readTree(java.util.Base64.getUrlDecoder().decode(payload));
        assertThat(claims.get("sub").asString()).isEqualTo("student-1");
        assertThat(claims.get("roles")).extracting(JsonNode::asString).containsExactly("student", "publisher");
        assertThat(claims.get("exp").asLong() - claims.get("iat").asLong()).isEqualTo(900);
    }

    @Test
    void badLoginsAndBadBodiesAreRefused() throws Exception {
        HttpResponse<String> wrong = post("/api/auth/token", "{\"username\":\"alice\",\"password\":\"Tr0ub4dor&3\"}");
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(wrong.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(JSON.readTree(wrong.body()).get("error").asString()).isEqualTo("invalid_grant");
        assertThat(post("/api/auth/token", "{\"username\":\"mallory\",\"password\":\"x\"}").statusCode()).isEqualTo(401);
        HttpResponse<String> malformed = post("/api/auth/token", "{\"username\":\"alice\"");
        assertThat(malformed.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(malformed.body()).get("error").asString()).isEqualTo("invalid_request");
        assertThat(post("/api/auth/refresh", "[]").statusCode()).isEqualTo(400);
        assertThat(refresh("never-issued").statusCode()).isEqualTo(401);
    }

    @Test
    void aFrontendRefreshesOnA401AndRetries() throws Exception {
        JsonNode tokens = login();
        // The access token has expired (signed here as the issuer would, an hour ago).
        String expired = Tokens.sign(JwtAlgorithm.HS256, Tokens.hmac(SECRET), Map.of("iss", "switchboard-issuer", "sub", "student-1",
                "exp", Tokens.now() - 3600));
        HttpResponse<String> first = echo(expired);
        assertThat(first.statusCode()).isEqualTo(401);
        assertThat(first.body()).isEqualTo("{\"exp\":\"token expired\"}");
        HttpResponse<String> refreshed = refresh(tokens.get("refresh_token").asString());
        assertThat(refreshed.statusCode()).as(refreshed.body()).isEqualTo(200);
        JsonNode rotated = JSON.readTree(refreshed.body());
        assertThat(rotated.get("refresh_token").asString()).isNotEqualTo(tokens.get("refresh_token").asString());
        assertThat(echo(rotated.get("access_token").asString()).statusCode()).isEqualTo(200);
    }

    @Test
    void aReusedRefreshTokenRevokesItsWholeFamily() throws Exception {
        JsonNode tokens = login();
        String original = tokens.get("refresh_token").asString();
        JsonNode second = JSON.readTree(refresh(original).body());
        JsonNode third = JSON.readTree(refresh(second.get("refresh_token").asString()).body());
        // The first token is presented again: stolen, or replayed.
        HttpResponse<String> reuse = refresh(original);
        assertThat(reuse.statusCode()).isEqualTo(401);
        assertThat(JSON.readTree(reuse.body()).get("detail").asString()).contains("already used");
        // The newest token of the same login is revoked too (even one never presented); another login is not affected.
        HttpResponse<String> newest = refresh(third.get("refresh_token").asString());
        assertThat(newest.statusCode()).isEqualTo(401);
        assertThat(JSON.readTree(newest.body()).get("detail").asString()).contains("revoked");
        assertThat(refresh(login().get("refresh_token").asString()).statusCode()).isEqualTo(200);
    }
}
