package dev.switchboard.testkit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static dev.switchboard.testkit.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A retired plugin version is collected even when host threads were born while its code ran: the
 * skill pool's threads, started by calls that passed the plugin's gateway filter (found by the soak
 * benchmark: they inherited the filter's class loader as context loader and kept it).
 */
class RetiredLoadersIT {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @RegisterExtension
    SwitchboardExtension switchboard = SwitchboardExtension.builder().build();

    @TempDir
    Path jars;

    /** A plugin with a gateway filter that passes everything on, and a Java skill that takes 100 ms. */
    private Path gate(String version) {
        return PluginJarBuilder.plugin("gate", version)
                .source("""
                        package fixtures.gate;

                        import dev.switchboard.api.*;

                        @org.pf4j.Extension
                        public class Entry implements SwitchboardPlugin {
                            @Override
                            public void start(Platform platform) {
                                platform.filter(new GatewayFilter() {
                                    public int priority() { return 100; }
                                    public void filter(GatewayExchange exchange, GatewayChain chain) throws Exception {
                                        chain.proceed();
                                    }
                                });
                                platform.skill(SkillDefinition.builder("slow-echo", (input, context) -> {
                                    Thread.sleep(100);
                                    return input;
                                }).description("Echoes after 100 ms.").cache(false, java.time.Duration.ofMinutes(1), 1).build());
                            }
                        }
                        """)
                .fileName("gate.jar")
                .build(jars.resolve(version));
    }

    @Test
    void skillThreadsStartedUnderAFilterDoNotKeepItsVersion() throws Exception {
        switchboard.deploy(gate("1.0.0"), "gate.jar");
        switchboard.awaitState("gate", PluginState.STARTED, "1.0.0");
        List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            calls.add(switchboard.client().sendAsync(switchboard.as("any", "/api/skills/slow-echo/invoke").header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"n\":" + i + "}")).build(), HttpResponse.BodyHandlers.ofString()));
        }
        for (CompletableFuture<HttpResponse<String>> call : calls) {
            assertThat(call.join().statusCode()).as(call.join().body()).isEqualTo(200);
        }

        switchboard.deploy(gate("2.0.0"), "gate.jar");
        switchboard.awaitState("gate", PluginState.STARTED, "2.0.0");
        eventually(() -> leaks().path("retired").asInt() >= 1 && leaks().path("pending").asInt() == 0);
        JsonNode leaks = leaks();
        assertThat(leaks.path("leaks")).as("the skill pool's threads hold no retired loader").isEmpty();
        assertThat(leaks.path("collected").asInt()).isEqualTo(leaks.path("retired").asInt());
    }

    private JsonNode leaks() throws Exception {
        return JSON.readTree(switchboard.send(switchboard.admin("/admin/leaks").GET().build()).body());
    }
}
