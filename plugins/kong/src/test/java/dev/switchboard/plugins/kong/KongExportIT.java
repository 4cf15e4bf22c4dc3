package dev.switchboard.plugins.kong;

import dev.switchboard.testkit.HostSchemas;
import dev.switchboard.plugins.kong.policy.Policy;
import dev.switchboard.plugins.kong.policy.PolicyParser;
import dev.switchboard.testkit.SwitchboardExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code switchboard kong export}: the file describes every route Switchboard serves, keeps the
 * policy's plugins and consumers, hides secrets unless asked, passes Debian's {@code deck validate}
 * (structure and references) and loads back into the policy parser (every plugin field checked
 * against Kong's schemas).
 */
class KongExportIT {

    private static final YAMLMapper YAML = YAMLMapper.builder().build();
    private static final Path HOME;
    private static final Path POLICY;

    static {
        try {
            HOME = Files.createTempDirectory("kong-export-it");
            POLICY = Files.writeString(HOME.resolve("kong.yml"), """
                    _format_version: "3.0"
                    consumers:
                      - username: alice
                        custom_id: student-1
                        acls: [{group: student}]
                        jwt_secrets: [{key: alice-issuer, secret: "alice-secret-0123456789-abcdefghijkl"}]
                        basicauth_credentials: [{username: alice, password: "alice-password"}]
                        keyauth_credentials: [{key: "alice-api-key"}]
                    plugins:
                      - name: jwt
                        config: {claims_to_verify: [exp], cookie_names: [switchboard_token]}
                      - name: cors
                        config: {origins: ["https://app.example.com"], credentials: true}
                    services:
                      - name: switchboard
                        url: http://10.0.0.5:8080
                        routes:
                          - name: events
                            paths: [/api/events]
                            plugins:
                              - name: rate-limiting
                                config: {minute: 60, policy: redis, redis: {host: redis.internal, password: "redis-password"}}
                    routes:
                      - name: hello
                        paths: [/api/echo/limited]
                        plugins: [{name: rate-limiting, config: {second: 5}}]
                    """);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @RegisterExtension
    static SwitchboardExtension switchboard = KongTestHosts.host(POLICY)
            .build();

    private static SwitchboardExtension.CommandRun export(String... args) throws Exception {
        return switchboard.command("kong", "export", args);
    }

    private static List<String> deckValidate(Path file) throws Exception {
        Process deck;
        try {
            deck = new ProcessBuilder("deck", "validate", "-s", file.toString()).redirectErrorStream(true).start();
        } catch (java.io.IOException e) {
            throw new AssertionError("deck is not installed: the export's tests need Debian's deck (apt-get install deck; .ci/run installs it)", e);
        }
        String output = new String(deck.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return deck.waitFor() == 0 ? List.of() : List.of(output);
    }

    @Test
    void theExportPassesDeckAndLoadsBackAsAPolicy() throws Exception {
        Path file = HOME.resolve("exported.yml");
        SwitchboardExtension.CommandRun run = export("--output", file.toString(), "--upstream", "http://switchboard.internal:8080");
        assertThat(run.exit()).as(run.err()).isZero();
        String yaml = Files.readString(file);
        assertThat(deckValidate(file)).as(yaml).isEmpty();
        Policy policy = PolicyParser.parse(yaml.getBytes(StandardCharsets.UTF_8), file.toString(), HostSchemas.get());
        assertThat(policy.global()).containsOnlyKeys("jwt", "cors");

        JsonNode kong = YAML.readTree(yaml);
        assertThat(kong.get("_format_version").asString()).isEqualTo("3.0");
        assertThat(Files.getPosixFilePermissions(file)).containsExactlyInAnyOrder(
                java.nio.file.attribute.PosixFilePermission.OWNER_READ, java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);
        // The policy's service keeps its own routes only.
        JsonNode main = service(kong, "switchboard");
        assertThat(main.get("url").asString()).isEqualTo("http://10.0.0.5:8080");
        assertThat(paths(main)).containsExactly("/api/events");
        // Every other route goes to a service without service-scoped plugins, as the global plugins alone apply here.
        JsonNode others = service(kong, "switchboard-routes");
        assertThat(others.get("url").asString()).isEqualTo("http://10.0.0.5:8080");
        assertThat(paths(others)).contains("/api/skills", "/api/jobs", "/api/echo", "/api/health/kong",
                "/.well-known/oauth-protected-resource", "/health");
        assertThat(paths(others)).doesNotContain("/admin", "/api/events/stream", "/mcp", "/api/events");
        assertThat(others.has("plugins")).isFalse();
        // Streams get the long timeouts. The event stream falls under the policy's events route, so
        // its copy carries that route's plugins: in Kong the longer prefix wins, and must not lose them.
        JsonNode streams = service(kong, "switchboard-streams");
        assertThat(streams.get("read_timeout").asLong()).isEqualTo(3_600_000);
        assertThat(paths(streams)).containsExactlyInAnyOrder("/api/events/stream", "/mcp");
        JsonNode eventStream = streams.get("routes").valueStream().filter(r -> r.get("paths").get(0).asString().equals("/api/events/stream"))
                .findFirst().orElseThrow();
        assertThat(eventStream.get("name").asString()).isEqualTo("events-stream");
        assertThat(eventStream.at("/plugins/0/name").asString()).isEqualTo("rate-limiting");
        for (JsonNode service : kong.get("services")) {
            for (JsonNode route : service.get("routes")) {
                assertThat(route.get("strip_path").asBoolean(true)).as(route.toString()).isFalse();
            }
        }
        assertThat(kong.get("routes").get(0).get("service").get("name").asString()).isEqualTo("switchboard-routes");
        // The policy's own route for /api/echo/limited is kept, not duplicated.
        assertThat(paths(others)).doesNotContain("/api/echo/limited");

        assertThat(yaml).doesNotContain("alice-secret-0123456789", "alice-password", "redis-password", "alice-api-key");
        assertThat(kong.at("/consumers/0/jwt_secrets/0/secret").asString()).isEqualTo("${{ env \"DECK_JWT_SECRET_ALICE_ISSUER\" }}");
        assertThat(kong.at("/consumers/0/basicauth_credentials/0/password").asString())
                .isEqualTo("${{ env \"DECK_BASICAUTH_PASSWORD_ALICE\" }}");
        assertThat(kong.at("/services/0/routes/0/plugins/0/config/redis/password").asString())
                .isEqualTo("${{ env \"DECK_REDIS_PASSWORD_1\" }}");
        assertThat(eventStream.at("/plugins/0/config/redis/password").asString()).startsWith("${{ env \"DECK_REDIS_PASSWORD_");
        assertThat(kong.at("/consumers/0/keyauth_credentials/0/key").asString()).isEqualTo("${{ env \"DECK_KEYAUTH_KEY_ALICE_1\" }}");
        assertThat(kong.at("/consumers/0/jwt_secrets/0/algorithm").asString()).isEqualTo("HS256");
    }

    @Test
    void secretsAndTheAdminApiOnlyWhenAsked() throws Exception {
        SwitchboardExtension.CommandRun run = export("--include-secrets", "--include-admin", "--stream-timeout", "86400000");
        assertThat(run.exit()).isZero();
        assertThat(run.out()).contains("alice-secret-0123456789-abcdefghijkl", "alice-password", "redis-password");
        JsonNode kong = YAML.readTree(run.out());
        assertThat(paths(service(kong, "switchboard-routes"))).contains("/admin");
        assertThat(service(kong, "switchboard-streams").get("write_timeout").asLong()).isEqualTo(86_400_000);
        Path file = HOME.resolve("with-secrets.yml");
        Files.writeString(file, run.out());
        assertThat(deckValidate(file)).isEmpty();
    }

    @Test
    void badArgumentsAreRefusedWithTheUsage() throws Exception {
        SwitchboardExtension.CommandRun unknown = export("--frobnicate");
        assertThat(unknown.exit()).isEqualTo(2);
        assertThat(unknown.err()).contains("unknown argument '--frobnicate'", "Usage: switchboard kong export");
        assertThat(export("--upstream", "ftp://x").err()).contains("--upstream needs an http:// or https:// URL");
        assertThat(export("--output").err()).contains("--output needs a value");
        SwitchboardExtension.CommandRun help = export("--help");
        assertThat(help.exit()).isZero();
        assertThat(help.out()).contains("--include-secrets");
    }

    private static JsonNode service(JsonNode kong, String name) {
        return kong.get("services").valueStream().filter(s -> s.get("name").asString().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no service " + name + " in " + kong));
    }

    private static List<String> paths(JsonNode service) {
        List<String> paths = new ArrayList<>();
        for (JsonNode route : service.get("routes")) {
            route.get("paths").forEach(p -> paths.add(p.asString()));
        }
        return paths;
    }
}
