package dev.switchboard.plugins.kong;

import dev.switchboard.plugins.kong.jwt.JwtAlgorithm;
import dev.switchboard.testkit.PluginState;
import dev.switchboard.testkit.SwitchboardExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Key;
import java.security.KeyPair;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * The kong plugin, packaged, in a real host, against Kong 3.9's documented behavior: every 401
 * body and challenge of the jwt plugin, rate-limit headers and exact limits, CORS preflight and
 * actual requests, the principal reaching the core, and hot reload of the policy file.
 */
class KongPluginIT {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String ALICE_SECRET = "alice-secret-0123456789-abcdefghijkl";
    private static final KeyPair RSA;
    private static final KeyPair EC;
    private static final Path HOME;
    private static final Path POLICY;

    static {
        try {
            RSA = Tokens.rsa();
            EC = Tokens.ec256();
            HOME = Files.createTempDirectory("kong-it");
            POLICY = HOME.resolve("kong.yml");
            Files.writeString(POLICY, policy(5));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @RegisterExtension
    static SwitchboardExtension switchboard = KongTestHosts.host(POLICY)
            .build();

    static String policy(int concurrentLimit) {
        return """
                _format_version: "3.0"
                consumers:
                  - username: alice
                    custom_id: student-1
                    jwt_secrets:
                      - key: alice-issuer
                        algorithm: HS256
                        secret: "%s"
                  - username: rsa-app
                    jwt_secrets:
                      - key: rsa-issuer
                        algorithm: RS256
                        rsa_public_key: |
                %s
                  - username: ec-app
                    jwt_secrets:
                      - key: ec-issuer
                        algorithm: ES256
                        rsa_public_key: |
                %s
                  - username: bulk
                    jwt_secrets:
                      - key: bulk-issuer
                        secret: "bulk-secret-0123456789-abcdefghijklm"
                  - username: b64
                    jwt_secrets:
                      - key: b64-issuer
                        secret: "this secret is not base64 at all!!!!!"
                  - username: guest
                plugins:
                  - name: cors
                    config:
                      origins: ["https://app.example.com", "https://[a-z]+\\\\.example\\\\.org"]
                      credentials: true
                      exposed_headers: [X-RateLimit-Remaining-Day, RateLimit-Remaining, RateLimit-Reset, Retry-After]
                      max_age: 600
                  - name: jwt
                    config:
                      claims_to_verify: [exp]
                      maximum_expiration: 3600
                      cookie_names: [switchboard_token]
                services:
                  - name: switchboard
                    url: http://127.0.0.1:8080
                    routes:
                      - name: echo
                        paths: [/api/echo]
                        plugins:
                          - name: rate-limiting
                            config: {day: 1000000}
                      - name: limited
                        paths: [/api/echo/limited]
                        plugins:
                          - name: rate-limiting
                            config: {day: 3}
                      - name: bulk
                        paths: [/api/echo/bulk]
                        plugins:
                          - name: rate-limiting
                            config: {day: %d, hide_client_headers: true}
                      - name: open
                        paths: [/api/echo/open]
                        plugins:
                          - name: jwt
                            config: {anonymous: guest}
                      - name: nbf
                        paths: [/api/echo/nbf]
                        plugins:
                          - name: jwt
                            config: {claims_to_verify: [exp, nbf]}
                      - name: b64
                        paths: [/api/echo/b64]
                        plugins:
                          - name: jwt
                            config: {secret_is_base64: true}
                """.formatted(ALICE_SECRET, Tokens.yamlBlock(Tokens.pem(RSA.getPublic()), 10),
                Tokens.yamlBlock(Tokens.pem(EC.getPublic()), 10), concurrentLimit);
    }

    private static String alice(Map<String, Object> extra) {
        Map<String, Object> claims = new HashMap<>(Map.of("iss", "alice-issuer", "sub", "student-1", "exp", Tokens.now() + 600,
                "roles", List.of("publisher")));
        claims.putAll(extra);
        claims.values().removeIf(v -> v == null);
        return Tokens.sign(JwtAlgorithm.HS256, Tokens.hmac(ALICE_SECRET), claims);
    }

    private static HttpResponse<String> get(String path, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(switchboard.uri(path)).GET();
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return switchboard.send(request.build());
    }

    private static void assertKong401(HttpResponse<String> response, String body, String challenge) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(401);
        assertThat(response.body()).isEqualTo(body);
        assertThat(response.headers().firstValue("Content-Type")).hasValue(KONG_JSON);
        assertThat(response.headers().allValues("WWW-Authenticate")).containsExactly(challenge);
    }

    private static final String INVALID = "Bearer error=\"invalid_token\"";
    /** Kong's "application/json; charset=utf-8", as Jetty writes it (without the optional space). */
    private static final String KONG_JSON = "application/json;charset=utf-8";

    @Test
    void startsWithKongsFiltersAtKongsPriorities() {
        var kong = switchboard.plugin("kong").orElseThrow();
        assertThat(kong.state()).isEqualTo(PluginState.STARTED);
        assertThat(kong.filters())
                .containsExactly("kong-trusted-proxy@2100", "kong-cors@2000", "kong-jwt@1450", "kong-request-validator@999",
                        "kong-request-size-limiting@951", "kong-rate-limiting@910");
    }

    @Test
    void everyJwtRefusalHasKongsBodyAndChallenge() throws Exception {
        String valid = alice(Map.of());
        assertKong401(get("/api/echo", null), "{\"message\":\"Unauthorized\"}", "Bearer");
        assertKong401(switchboard.send(HttpRequest.newBuilder(switchboard.uri("/api/echo?jwt=" + alice(Map.of("jti", "other"))))
                .header("Authorization", "Bearer " + valid).build()), "{\"message\":\"Multiple tokens provided\"}", INVALID);
        assertKong401(get("/api/echo", "not-a-token"), "{\"message\":\"Bad token; invalid JSON\"}", INVALID);
        Key alice = Tokens.hmac(ALICE_SECRET);
        assertKong401(get("/api/echo", Tokens.sign(JwtAlgorithm.HS256, alice, Map.of("alg", "HS256", "typ", "JWE"), Map.of("iss", "alice-issuer"))),
                "{\"message\":\"Bad token; invalid typ\"}", INVALID);
        assertKong401(get("/api/echo", "eyJhbGciOiJub25lIn0.eyJpc3MiOiJhbGljZS1pc3N1ZXIifQ."), "{\"message\":\"Bad token; invalid alg\"}", INVALID);
        assertKong401(get("/api/echo", "eyJhbGciOiJIUzI1NiJ9.WzFd.c2ln"), "{\"message\":\"Bad token; invalid claims\"}", INVALID);
        assertKong401(get("/api/echo", "eyJhbGciOiJIUzI1NiJ9.eyJpc3MiOiJhbGljZS1pc3N1ZXIifQ."),
                "{\"message\":\"Bad token; invalid signature\"}", INVALID);
        assertKong401(get("/api/echo", Tokens.sign(JwtAlgorithm.HS256, alice, Map.of("sub", "x"))),
                "{\"message\":\"No mandatory 'iss' in claims\"}", INVALID);
        assertKong401(get("/api/echo", Tokens.sign(JwtAlgorithm.HS256, alice, Map.of("iss", 42))),
                "{\"message\":\"Invalid 'iss' in claims\"}", INVALID);
        assertKong401(get("/api/echo", Tokens.sign(JwtAlgorithm.HS256, alice, Map.of("iss", "nobody"))),
                "{\"message\":\"No credentials found for given 'iss'\"}", INVALID);
        assertKong401(get("/api/echo", alice(Map.of("exp", Tokens.now() - 10))), "{\"exp\":\"token expired\"}", INVALID);
        assertKong401(get("/api/echo/nbf", alice(Map.of("nbf", Tokens.now() + 60))), "{\"nbf\":\"token not valid yet\"}", INVALID);
        assertKong401(get("/api/echo/nbf", alice(Map.of())), "{\"nbf\":\"must be a number\"}", INVALID);
        assertThat(get("/api/echo/nbf", alice(Map.of("nbf", Tokens.now() - 5))).statusCode()).isEqualTo(200);
        assertKong401(get("/api/echo", Tokens.sign(JwtAlgorithm.HS256, alice, Map.of("iss", "alice-issuer"))),
                "{\"exp\":\"must be a number\"}", INVALID);
        assertKong401(get("/api/echo", alice(Map.of("exp", Tokens.now() + 7200))), "{\"exp\":\"exceeds maximum allowed expiration\"}", INVALID);
        String tampered = valid.substring(0, valid.length() - 4) + (valid.endsWith("AAAA") ? "BBBB" : "AAAA");
        assertKong401(get("/api/echo", tampered), "{\"message\":\"Invalid signature\"}", INVALID);
        Map<String, Object> b64 = Map.of("iss", "b64-issuer", "exp", Tokens.now() + 60);
        assertKong401(get("/api/echo/b64", Tokens.sign(JwtAlgorithm.HS256, Tokens.hmac("this secret is not base64 at all!!!!!"), b64)),
                "{\"message\":\"Invalid key/secret\"}", INVALID);
    }

    @Test
    void anMcpClientRefusedByJwtIsPointedAtTheProtectedResourceMetadata() throws Exception {
        String metadata = "resource_metadata=\"" + switchboard.baseUri() + "/.well-known/oauth-protected-resource/mcp\"";
        HttpResponse<String> missing = switchboard.send(mcpInitialize(null));
        assertThat(missing.statusCode()).isEqualTo(401);
        assertThat(missing.body()).isEqualTo("{\"message\":\"Unauthorized\"}");
        assertThat(missing.headers().allValues("WWW-Authenticate")).containsExactly("Bearer " + metadata);
        HttpResponse<String> bad = switchboard.send(mcpInitialize("not-a-token"));
        assertThat(bad.statusCode()).isEqualTo(401);
        assertThat(bad.headers().allValues("WWW-Authenticate")).containsExactly("Bearer " + metadata + ", error=\"invalid_token\"");
        // What the challenge points at is public, and a token jwt accepts opens a session.
        assertThat(switchboard.get("/.well-known/oauth-protected-resource/mcp").statusCode()).isEqualTo(200);
        HttpResponse<String> accepted = switchboard.send(mcpInitialize(alice(Map.of())));
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(200);
        assertThat(accepted.headers().firstValue("Mcp-Session-Id")).isPresent();
        // Elsewhere the challenge stays Kong's.
        assertKong401(get("/api/echo", null), "{\"message\":\"Unauthorized\"}", "Bearer");
    }

    private static HttpRequest mcpInitialize(String token) {
        HttpRequest.Builder request = HttpRequest.newBuilder(switchboard.uri("/mcp")).header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":"
                        + "{\"protocolVersion\":\"2025-11-25\",\"capabilities\":{},\"clientInfo\":{\"name\":\"KongPluginIT\",\"version\":\"1\"}}}"));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return request.build();
    }

    @Test
    void algorithmConfusionNoneAndEmbeddedKeysAreRefused() throws Exception {
        // HS256 signed with the RSA credential's public key as the HMAC secret: the classic confusion.
        Key confused = new javax.crypto.spec.SecretKeySpec(Tokens.pem(RSA.getPublic()).getBytes(StandardCharsets.UTF_8), "HmacSHA256");
        assertKong401(get("/api/echo", Tokens.sign(JwtAlgorithm.HS256, confused, Map.of("iss", "rsa-issuer", "exp", Tokens.now() + 60))),
                "{\"message\":\"Invalid algorithm\"}", INVALID);
        // A token carrying its own key (jwk header) and the credential's kid, signed by that key.
        KeyPair attacker = Tokens.ec256();
        Map<String, Object> header = Map.of("alg", "ES256", "kid", "ec-issuer", "jwk", Map.of("kty", "EC", "crv", "P-256",
                "x", "AAAA", "y", "AAAA"));
        assertKong401(get("/api/echo", Tokens.sign(JwtAlgorithm.ES256, attacker.getPrivate(), header,
                Map.of("iss", "ec-issuer", "exp", Tokens.now() + 60))), "{\"message\":\"Invalid signature\"}", INVALID);
        // alg "none" with a signature part, and "None" spelled otherwise.
        assertKong401(get("/api/echo", "eyJhbGciOiJOb25lIn0.eyJpc3MiOiJhbGljZS1pc3N1ZXIifQ.c2ln"), "{\"message\":\"Bad token; invalid alg\"}", INVALID);
    }

    @Test
    void validTokensOfEachAlgorithmReachTheRouteWithKongsHeaders() throws Exception {
        JsonNode hs = JSON.readTree(get("/api/echo", alice(Map.of())).body());
        assertThat(hs.get("X-Consumer-Username").asString()).isEqualTo("alice");
        assertThat(hs.get("X-Consumer-Custom-ID").asString()).isEqualTo("student-1");
        assertThat(hs.get("X-Credential-Identifier").asString()).isEqualTo("alice-issuer");
        assertThat(hs.get("X-Anonymous-Consumer").isNull()).isTrue();

        Map<String, Object> rsaClaims = Map.of("iss", "rsa-issuer", "exp", Tokens.now() + 60);
        HttpResponse<String> rs = get("/api/echo", Tokens.sign(JwtAlgorithm.RS256, RSA.getPrivate(), rsaClaims));
        assertThat(rs.statusCode()).as(rs.body()).isEqualTo(200);
        assertThat(JSON.readTree(rs.body()).get("X-Consumer-Username").asString()).isEqualTo("rsa-app");
        HttpResponse<String> es = get("/api/echo", Tokens.sign(JwtAlgorithm.ES256, EC.getPrivate(), Map.of("iss", "ec-issuer",
                "exp", Tokens.now() + 60)));
        assertThat(es.statusCode()).as(es.body()).isEqualTo(200);
        assertThat(JSON.readTree(es.body()).get("X-Consumer-Username").asString()).isEqualTo("ec-app");
        // The token in a cookie (EventSource cannot send headers), and the same token in two places.
        String token = alice(Map.of());
        HttpResponse<String> cookie = switchboard.send(HttpRequest.newBuilder(switchboard.uri("/api/echo"))
                .header("Cookie", "switchboard_token=" + token).header("Authorization", "Bearer " + token).build());
        assertThat(cookie.statusCode()).as(cookie.body()).isEqualTo(200);
        // A client cannot pose as a consumer by sending Kong's headers itself.
        HttpResponse<String> forged = switchboard.send(HttpRequest.newBuilder(switchboard.uri("/api/echo/open"))
                .header("X-Consumer-Username", "admin").header("X-Credential-Identifier", "alice-issuer").build());
        JsonNode anonymous = JSON.readTree(forged.body());
        assertThat(anonymous.get("X-Consumer-Username").asString()).isEqualTo("guest");
        assertThat(anonymous.get("X-Credential-Identifier").isNull()).isTrue();
        assertThat(anonymous.get("X-Anonymous-Consumer").asString()).isEqualTo("true");
    }

    private static final String EVENT = "{\"type\":\"progress\",\"data\":{\"step\":1}}";

    @Test
    void theTokenEndpointsAreOffByDefault() throws Exception {
        HttpResponse<String> token = switchboard.send(HttpRequest.newBuilder(switchboard.uri("/api/auth/token"))
                .header("Authorization", "Bearer " + alice(Map.of())).POST(HttpRequest.BodyPublishers.ofString("{}")).build());
        assertThat(token.statusCode()).isEqualTo(404);
        assertKong401(switchboard.send(HttpRequest.newBuilder(switchboard.uri("/api/auth/token"))
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build()), "{\"message\":\"Unauthorized\"}", "Bearer");
    }

    @Test
    void thePrincipalReachesTheCore() throws Exception {
        // Publishing takes the role "publisher": the token's roles claim must reach the core.
        HttpResponse<String> allowed = switchboard.publish(alice(Map.of()), "student.progress", EVENT);
        assertThat(allowed.statusCode()).as(allowed.body()).isBetween(200, 299);
        HttpResponse<String> refused = switchboard.publish(alice(Map.of("roles", List.of("student"))), "student.progress", EVENT);
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(403);
        assertThat(refused.body()).contains("student-1");
    }

    @Test
    void rateLimitHeadersAndRefusalAreKongs() throws Exception {
        LocalDate day = LocalDate.now(ZoneOffset.UTC);
        String token = alice(Map.of("jti", "limits"));
        List<HttpResponse<String>> responses = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            responses.add(get("/api/echo/limited", token));
        }
        assumeThat(LocalDate.now(ZoneOffset.UTC)).as("the day window did not roll over during the test").isEqualTo(day);
        for (int i = 0; i < 3; i++) {
            HttpResponse<String> ok = responses.get(i);
            assertThat(ok.statusCode()).isEqualTo(200);
            assertThat(ok.headers().firstValue("X-RateLimit-Limit-Day")).hasValue("3");
            assertThat(ok.headers().firstValue("X-RateLimit-Remaining-Day")).hasValue(Integer.toString(2 - i));
            assertThat(ok.headers().firstValue("RateLimit-Limit")).hasValue("3");
            assertThat(ok.headers().firstValue("RateLimit-Remaining")).hasValue(Integer.toString(2 - i));
            assertThat(Long.parseLong(ok.headers().firstValue("RateLimit-Reset").orElseThrow())).isBetween(1L, 86_400L);
            assertThat(ok.headers().firstValue("Retry-After")).isEmpty();
        }
        HttpResponse<String> refused = responses.get(3);
        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(refused.headers().firstValue("Content-Type")).hasValue(KONG_JSON);
        JsonNode body = JSON.readTree(refused.body());
        assertThat(body.get("message").asString()).isEqualTo("API rate limit exceeded");
        assertThat(body.get("request_id").asString()).matches("[0-9a-f]{32}");
        assertThat(refused.headers().firstValue("X-RateLimit-Remaining-Day")).hasValue("0");
        assertThat(refused.headers().firstValue("RateLimit-Remaining")).hasValue("0");
        assertThat(refused.headers().firstValue("Retry-After")).isEqualTo(refused.headers().firstValue("RateLimit-Reset"));
        // Another consumer has its own count.
        HttpResponse<String> other = get("/api/echo/limited", Tokens.sign(JwtAlgorithm.RS256, RSA.getPrivate(),
                Map.of("iss", "rsa-issuer", "exp", Tokens.now() + 60)));
        assertThat(other.headers().firstValue("X-RateLimit-Remaining-Day")).hasValue("2");
    }

    @Test
    void aLimitOfNAllowsExactlyNUnderConcurrency() throws Exception {
        LocalDate day = LocalDate.now(ZoneOffset.UTC);
        String token = Tokens.sign(JwtAlgorithm.HS256, Tokens.hmac("bulk-secret-0123456789-abcdefghijklm"),
                Map.of("iss", "bulk-issuer", "exp", Tokens.now() + 600));
        List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(16)) {
            for (int i = 0; i < 40; i++) {
                calls.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        return get("/api/echo/bulk", token);
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }, pool));
            }
            List<Integer> statuses = calls.stream().map(CompletableFuture::join).map(HttpResponse::statusCode).toList();
            assumeThat(LocalDate.now(ZoneOffset.UTC)).isEqualTo(day);
            assertThat(statuses.stream().filter(s -> s == 200).count()).isEqualTo(5);
            assertThat(statuses.stream().filter(s -> s == 429).count()).isEqualTo(35);
        }
        // hide_client_headers: no counts are shown.
        HttpResponse<String> hidden = get("/api/echo/bulk", token);
        assertThat(hidden.headers().map().keySet()).noneMatch(h -> h.toLowerCase().contains("ratelimit"));
    }

    @Test
    void corsPreflightIsAnsweredBeforeJwtAndRefusalsCarryCorsHeaders() throws Exception {
        HttpResponse<String> preflight = switchboard.send(HttpRequest.newBuilder(switchboard.uri("/api/echo"))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", "https://app.example.com").header("Access-Control-Request-Method", "GET")
                .header("Access-Control-Request-Headers", "authorization,x-trace").build());
        assertThat(preflight.statusCode()).isEqualTo(200);
        assertThat(preflight.body()).isEmpty();
        assertThat(preflight.headers().firstValue("Access-Control-Allow-Origin")).hasValue("https://app.example.com");
        assertThat(preflight.headers().firstValue("Access-Control-Allow-Credentials")).hasValue("true");
        assertThat(preflight.headers().firstValue("Access-Control-Allow-Methods")).hasValue("GET,HEAD,PUT,PATCH,POST,DELETE,OPTIONS,TRACE,CONNECT");
        assertThat(preflight.headers().firstValue("Access-Control-Allow-Headers")).hasValue("authorization,x-trace");
        assertThat(preflight.headers().firstValue("Access-Control-Max-Age")).hasValue("600");
        assertThat(preflight.headers().allValues("Vary")).contains("Origin");

        HttpResponse<String> refused = switchboard.send(HttpRequest.newBuilder(switchboard.uri("/api/echo"))
                .header("Origin", "https://app.example.com").build());
        assertThat(refused.statusCode()).isEqualTo(401);
        assertThat(refused.headers().firstValue("Access-Control-Allow-Origin")).hasValue("https://app.example.com");
        assertThat(refused.headers().firstValue("Access-Control-Expose-Headers"))
                .hasValue("X-RateLimit-Remaining-Day,RateLimit-Remaining,RateLimit-Reset,Retry-After");

        HttpResponse<String> regex = get("/api/echo", alice(Map.of()));
        assertThat(regex.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
        for (String origin : List.of("https://docs.example.org", "https://APP.example.com:443")) {
            HttpResponse<String> allowed = switchboard.send(HttpRequest.newBuilder(switchboard.uri("/api/echo"))
                    .header("Origin", origin).header("Authorization", "Bearer " + alice(Map.of())).build());
            assertThat(allowed.headers().firstValue("Access-Control-Allow-Origin")).as(origin).hasValue(origin);
        }
        for (String origin : List.of("https://evil.com", "https://docs.example.org.evil.com", "https://app.example.com.evil.com")) {
            HttpResponse<String> foreign = switchboard.send(HttpRequest.newBuilder(switchboard.uri("/api/echo"))
                    .header("Origin", origin).header("Authorization", "Bearer " + alice(Map.of())).build());
            assertThat(foreign.statusCode()).isEqualTo(200);
            assertThat(foreign.headers().firstValue("Access-Control-Allow-Origin")).as(origin).isEmpty();
            assertThat(foreign.headers().firstValue("Access-Control-Allow-Credentials")).hasValue("true");
        }
    }

    @Test
    void anInvalidPolicyEditIsRefusedAndTheLastGoodOneStays() throws Exception {
        JsonNode before = JSON.readTree(get("/api/health/kong", alice(Map.of())).body());
        assertThat(before.get("status").asString()).isEqualTo("UP");
        assertThat(before.get("consumers").asInt()).isEqualTo(6);
        assertThat(before.get("local_rate_limit_callers").asInt()).isNotNegative();
        try {
            Files.writeString(POLICY, policy(5).replace("config: {day: 3}", "config: {day: three}"));
            JsonNode degraded = awaitHealth("DEGRADED");
            assertThat(degraded.get("last_error").asString()).contains("services[0].routes[1].plugins[0].config.day: expected a number");
            // The previous policy still answers.
            assertKong401(get("/api/echo", null), "{\"message\":\"Unauthorized\"}", "Bearer");
            JsonNode ready = JSON.readTree(switchboard.get("/health/ready").body());
            assertThat(ready.at("/components/plugins/plugins/kong/checks/gateway/status").asString()).isEqualTo("DEGRADED");
        } finally {
            Files.writeString(POLICY, policy(5));
        }
        awaitHealth("UP");
    }

    private static JsonNode awaitHealth(String status) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        JsonNode health;
        do {
            health = JSON.readTree(get("/api/health/kong", alice(Map.of())).body());
            if (health.get("status").asString().equals(status)) {
                return health;
            }
            Thread.sleep(50);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("kong health never became " + status + ": " + health);
    }
}
