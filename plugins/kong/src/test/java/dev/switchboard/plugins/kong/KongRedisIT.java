package dev.switchboard.plugins.kong;

import dev.switchboard.testkit.SwitchboardExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * The redis rate-limiting policy with a real redis-server: two Switchboard instances share one
 * count, a limit of N allows exactly N across both, and an unreachable server is handled as
 * {@code fault_tolerant} says.
 */
class KongRedisIT {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Path HOME;
    private static final RedisServer REDIS;
    private static final Path POLICY;

    static {
        try {
            HOME = Files.createTempDirectory("kong-redis-it");
            REDIS = RedisServer.start(HOME.resolve("redis"));
            int closed = RedisServer.freePort();
            POLICY = Files.writeString(HOME.resolve("kong.yml"), """
                    _format_version: "3.0"
                    routes:
                      - name: shared
                        paths: [/api/echo/shared]
                        plugins:
                          - name: rate-limiting
                            config: {day: 4, limit_by: ip, policy: redis, redis: {host: 127.0.0.1, port: %1$d}}
                      - name: bulk
                        paths: [/api/echo/bulk]
                        plugins:
                          - name: rate-limiting
                            config: {hour: 10, day: 10, limit_by: ip, policy: redis, redis_host: 127.0.0.1, redis_port: %1$d}
                      - name: tolerant
                        paths: [/api/echo/tolerant]
                        plugins:
                          - name: rate-limiting
                            config: {minute: 5, policy: redis, redis: {host: 127.0.0.1, port: %2$d, timeout: 500}}
                      - name: strict
                        paths: [/api/echo/strict]
                        plugins:
                          - name: rate-limiting
                            config: {minute: 5, policy: redis, fault_tolerant: false, redis: {host: 127.0.0.1, port: %2$d, timeout: 500}}
                    """.formatted(REDIS.port(), closed));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @RegisterExtension
    static SwitchboardExtension first = instance();

    @RegisterExtension
    static SwitchboardExtension second = instance();

    private static SwitchboardExtension instance() {
        return KongTestHosts.host(POLICY)
                .build();
    }

    @AfterAll
    static void stopRedis() throws Exception {
        REDIS.close();
    }

    @Test
    void twoInstancesShareOneCount() throws Exception {
        LocalDate day = LocalDate.now(ZoneOffset.UTC);
        List<HttpResponse<String>> responses = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            responses.add((i % 2 == 0 ? first : second).get("/api/echo/shared"));
        }
        assumeThat(LocalDate.now(ZoneOffset.UTC)).as("the day window did not roll over during the test").isEqualTo(day);
        assertThat(responses).extracting(HttpResponse::statusCode).containsExactly(200, 200, 200, 200, 429, 429);
        assertThat(responses.subList(0, 4)).extracting(r -> r.headers().firstValue("X-RateLimit-Remaining-Day").orElseThrow())
                .containsExactly("3", "2", "1", "0");
        assertThat(JSON.readTree(responses.get(5).body()).get("message").asString()).isEqualTo("API rate limit exceeded");
        assertThat(responses.get(5).headers().firstValue("Retry-After")).isPresent();
    }

    @Test
    void aLimitOfNAllowsExactlyNAcrossInstances() throws Exception {
        LocalDate day = LocalDate.now(ZoneOffset.UTC);
        List<CompletableFuture<Integer>> calls = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(16)) {
            for (int i = 0; i < 40; i++) {
                SwitchboardExtension target = i % 2 == 0 ? first : second;
                calls.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        return target.get("/api/echo/bulk").statusCode();
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }, pool));
            }
            List<Integer> statuses = calls.stream().map(CompletableFuture::join).toList();
            assumeThat(LocalDate.now(ZoneOffset.UTC)).isEqualTo(day);
            assertThat(statuses.stream().filter(s -> s == 200).count()).isEqualTo(10);
            assertThat(statuses.stream().filter(s -> s == 429).count()).isEqualTo(30);
        }
    }

    @Test
    void anUnreachableServerIsHandledAsFaultTolerantSays() throws Exception {
        HttpResponse<String> tolerant = first.get("/api/echo/tolerant");
        assertThat(tolerant.statusCode()).isEqualTo(200);
        assertThat(tolerant.headers().map().keySet()).noneMatch(h -> h.toLowerCase().contains("ratelimit"));

        HttpResponse<String> strict = first.get("/api/echo/strict");
        assertThat(strict.statusCode()).isEqualTo(500);
        assertThat(strict.body()).isEqualTo("{\"message\":\"An unexpected error occurred\"}");

        HttpResponse<String> health = first.send(HttpRequest.newBuilder(first.uri("/api/health/kong")).build());
        assertThat(health.statusCode()).isEqualTo(503);
        JsonNode report = JSON.readTree(health.body());
        assertThat(report.get("status").asString()).isEqualTo("DOWN");
        // Four limits, two servers: the routes naming the same server share its client and its report.
        assertThat(report.get("redis")).hasSize(2);
        assertThat(report.get("redis").get(0).get("reachable").asBoolean()).isTrue();
        assertThat(report.get("redis").get(1).get("reachable").asBoolean()).isFalse();
        assertThat(report.toString()).doesNotContain("password");
    }
}
