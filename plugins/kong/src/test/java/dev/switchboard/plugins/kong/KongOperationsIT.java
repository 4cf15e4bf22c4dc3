package dev.switchboard.plugins.kong;

import dev.switchboard.testkit.SseClient;
import dev.switchboard.testkit.SwitchboardExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * The gateway in operation: an event stream counts once, at connect; limits by header; and
 * policy edits and plugin reloads while requests flow, none of which may fail a request.
 */
class KongOperationsIT {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String SECRET = "alice-secret-0123456789-abcdefghijkl";
    private static final String TOKEN = Tokens.sign(dev.switchboard.plugins.kong.jwt.JwtAlgorithm.HS256, Tokens.hmac(SECRET),
            Map.of("iss", "alice-issuer", "sub", "student-1", "roles", List.of("publisher")));
    private static final Path HOME;
    private static final Path POLICY;

    static {
        try {
            HOME = Files.createTempDirectory("kong-operations-it");
            POLICY = Files.writeString(HOME.resolve("kong.yml"), policy(1));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static String policy(int variant) {
        return """
                _format_version: "3.0"
                consumers:
                  - username: alice
                    jwt_secrets: [{key: alice-issuer, secret: "%s"}]
                routes:
                  - name: stream
                    paths: [/api/events/stream]
                    plugins:
                      - {name: jwt}
                      - {name: rate-limiting, config: {day: 3, limit_by: ip}}
                  - name: publish
                    paths: [/api/events]
                    plugins: [{name: jwt}]
                  - name: preflight
                    paths: [/api/echo/preflight]
                    plugins: [{name: jwt, config: {run_on_preflight: false}}]
                  - name: by-header
                    paths: [/api/echo/by-header]
                    plugins: [{name: rate-limiting, config: {day: 1, limit_by: header, header_name: X-Client}}]
                  - name: busy
                    paths: [/api/echo/busy]
                    plugins:
                      - {name: rate-limiting, config: {minute: %d}}
                      - {name: cors, config: {origins: ["https://v%d.example.com"]}}
                """.formatted(SECRET, 100_000_000 + variant, variant);
    }

    @RegisterExtension
    static SwitchboardExtension switchboard = KongTestHosts.host(POLICY)
            .build();

    @Test
    void anEventStreamCountsOnceAtConnect() throws Exception {
        LocalDate day = LocalDate.now(ZoneOffset.UTC);
        try (SseClient stream = switchboard.stream(TOKEN, "/api/events/stream?topics=student.progress")) {
            assertThat(stream.headers().firstValue("X-RateLimit-Remaining-Day")).hasValue("2");
            for (int i = 0; i < 5; i++) {
                HttpResponse<String> published = switchboard.send(HttpRequest.newBuilder(switchboard.uri("/api/events/student.progress"))
                        .header("Content-Type", "application/json").header("Authorization", "Bearer " + TOKEN)
                        .POST(HttpRequest.BodyPublishers.ofString("{\"type\":\"progress\",\"data\":{\"step\":" + i + "}}")).build());
                assertThat(published.statusCode()).as(published.body()).isBetween(200, 299);
            }
            assertThat(stream.collect("progress", 5, Duration.ofSeconds(10))).hasSize(5);
        }
        // Five events later, the second connect is only the second request counted.
        try (SseClient again = switchboard.stream(TOKEN, "/api/events/stream?topics=student.progress")) {
            assumeThat(LocalDate.now(ZoneOffset.UTC)).isEqualTo(day);
            assertThat(again.headers().firstValue("X-RateLimit-Remaining-Day")).hasValue("1");
        }
    }

    @Test
    void withAPolicyInForceLoopbackCallersAreNotTheDevelopmentPrincipal() throws Exception {
        // No jwt on this route, and the host's loopback development principal is off: the core
        // sees an anonymous caller and refuses to start a job.
        HttpResponse<String> published = switchboard.send(HttpRequest.newBuilder(switchboard.uri("/api/jobs"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{}")).build());
        assertThat(published.statusCode()).isEqualTo(401);
    }

    @Test
    void withoutRunOnPreflightOptionsPassesUnauthenticated() throws Exception {
        HttpResponse<String> options = switchboard.send(HttpRequest.newBuilder(switchboard.uri("/api/echo/preflight"))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).build());
        assertThat(options.statusCode()).as(options.body()).isNotEqualTo(401).isLessThan(300);
        assertThat(switchboard.get("/api/echo/preflight").statusCode()).isEqualTo(401);
    }

    @Test
    void limitsByHeaderCountEachValue() throws Exception {
        LocalDate day = LocalDate.now(ZoneOffset.UTC);
        List<Integer> statuses = new ArrayList<>();
        for (String client : List.of("a", "a", "b")) {
            statuses.add(switchboard.send(HttpRequest.newBuilder(switchboard.uri("/api/echo/by-header")).header("X-Client", client).build())
                    .statusCode());
        }
        assumeThat(LocalDate.now(ZoneOffset.UTC)).isEqualTo(day);
        assertThat(statuses).containsExactly(200, 429, 200);
    }

    @Test
    void policyEditsAndPluginReloadsUnderLoadFailNoRequest() throws Exception {
        AtomicBoolean running = new AtomicBoolean(true);
        Map<Integer, AtomicLong> statuses = new ConcurrentHashMap<>();
        AtomicLong errors = new AtomicLong();
        List<Thread> clients = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            clients.add(Thread.ofVirtual().start(() -> {
                while (running.get()) {
                    try {
                        int status = switchboard.send(HttpRequest.newBuilder(switchboard.uri("/api/echo/busy"))
                                .header("Origin", "https://v1.example.com").build()).statusCode();
                        statuses.computeIfAbsent(status, s -> new AtomicLong()).incrementAndGet();
                    } catch (Exception e) {
                        errors.incrementAndGet();
                    }
                }
            }));
        }
        try {
            for (int round = 2; round <= 6; round++) {
                String before = loadedAt();
                Files.writeString(POLICY, policy(round));
                awaitReload(before);
                if (round % 2 == 0) {
                    HttpResponse<String> reload = switchboard.send(switchboard.admin("/admin/plugins/kong/reload")
                            .POST(HttpRequest.BodyPublishers.noBody()).build());
                    assertThat(reload.statusCode()).as(reload.body()).isEqualTo(200);
                }
            }
        } finally {
            running.set(false);
            for (Thread client : clients) {
                client.join();
            }
            Files.writeString(POLICY, policy(1));
        }
        System.out.println("policy edits and reloads under load: " + statuses + " answers, " + errors + " errors");
        assertThat(errors).hasValue(0);
        assertThat(statuses.keySet()).containsExactly(200);
        assertThat(statuses.get(200).get()).isGreaterThan(100);
        // The last policy is the one in force: its CORS origin is v6.
        HttpResponse<String> last = switchboard.send(HttpRequest.newBuilder(switchboard.uri("/api/echo/busy"))
                .header("Origin", "https://v6.example.com").build());
        assertThat(last.headers().firstValue("Access-Control-Allow-Origin")).hasValue("https://v6.example.com");
    }

    private static String loadedAt() throws Exception {
        JsonNode health = JSON.readTree(switchboard.get("/api/health/kong").body());
        return health.path("loaded_at").asString("");
    }

    private static void awaitReload(String before) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (loadedAt().equals(before)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the policy was not reloaded within 20 s");
            }
            Thread.sleep(20);
        }
    }
}
