package dev.switchboard.testkit.skills;

import dev.switchboard.testkit.PluginState;
import dev.switchboard.testkit.PluginJarBuilder;
import dev.switchboard.testkit.SwitchboardExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import tools.jackson.databind.JsonNode;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;

import static dev.switchboard.testkit.skills.SkillsApiIT.JSON;
import static dev.switchboard.testkit.skills.SkillsApiIT.json;
import static org.assertj.core.api.Assertions.assertThat;

/** Skills contributed by plugins: served like directory skills, swapped with their plugin, gone with it, never leaked. */
class PluginSkillsIT {

    @RegisterExtension
    SwitchboardExtension switchboard = SwitchboardExtension.builder()
            .principal("alice-token", "alice", "student")
            .build();

    @TempDir
    Path jars;

    HttpResponse<String> invoke(String token, String skill, String body) throws Exception {
        return switchboard.send(switchboard.as(token, "/api/skills/" + skill + "/invoke").header("Content-Type", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body)).build());
    }

    /** A plugin contributing the skill {@code shout}, whose output names the plugin version. */
    static Path shouter(Path dir, String version, String name) {
        return PluginJarBuilder.plugin("shouter", version)
                .requires(">=0.1.0")
                .fileName("shouter-" + version + ".jar")
                .source("""
                        package fixtures.shouter;

                        import dev.switchboard.api.*;
                        import org.pf4j.Extension;
                        import tools.jackson.databind.json.JsonMapper;

                        @Extension
                        public class ShouterPlugin implements SwitchboardPlugin {
                            @Override
                            public void start(Platform platform) {
                                JsonMapper json = JsonMapper.builder().build();
                                platform.skill(SkillDefinition.builder("%s", (input, context) ->
                                                json.createObjectNode().put("shout", "%s:" + input.get("text").stringValue().toUpperCase()))
                                        .description("Shouts.")
                                        .version("%s")
                                        .inputSchema(json.readTree("{\\"type\\":\\"object\\",\\"required\\":[\\"text\\"]}"))
                                        .outputSchema(json.readTree("{\\"type\\":\\"object\\",\\"required\\":[\\"shout\\"]}"))
                                        .build());
                            }
                        }
                        """.formatted(name, version, version))
                .build(dir);
    }

    @Test
    void aPluginsSkillIsServedSwappedWithItAndGoneWithIt() throws Exception {
        switchboard.deploy(shouter(jars.resolve("v1"), "1.0.0", "shout"), "shouter.jar");
        switchboard.awaitState("shouter", PluginState.STARTED, "1.0.0");
        HttpResponse<String> first = invoke("alice-token", "shout", "{\"text\":\"hi\"}");
        assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
        assertThat(json(first).at("/output/shout").stringValue()).isEqualTo("1.0.0:HI");
        assertThat(json(invoke("alice-token", "shout", "{\"text\":\"hi\"}")).at("/metadata/cached").booleanValue()).isTrue();

        switchboard.deploy(shouter(jars.resolve("v2"), "2.0.0", "shout"), "shouter.jar");
        switchboard.awaitState("shouter", PluginState.STARTED, "2.0.0");
        HttpResponse<String> swapped = invoke("alice-token", "shout", "{\"text\":\"hi\"}");
        assertThat(json(swapped).at("/output/shout").stringValue()).isEqualTo("2.0.0:HI");
        assertThat(json(swapped).at("/metadata/cached").booleanValue()).as("a new version starts with an empty cache").isFalse();

        switchboard.undeploy("shouter.jar");
        switchboard.awaitAbsent("shouter");
        assertThat(invoke("alice-token", "shout", "{\"text\":\"hi\"}").statusCode()).isEqualTo(404);

        // Both retired versions are collected: the skill registry kept nothing of them.
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        JsonNode leaks;
        do {
            Thread.sleep(100);
            leaks = JSON.readTree(switchboard.get("/admin/leaks").body());
        } while ((leaks.get("pending").asLong() > 0 || leaks.get("collected").asLong() < 2) && System.nanoTime() < deadline);
        assertThat(leaks.get("leaks").size()).as("leaks: %s", leaks).isZero();
        assertThat(leaks.get("collected").asLong()).as("collected: %s", leaks).isGreaterThanOrEqualTo(2);
    }

    @Test
    void aPluginCallsSkillsThroughTheSamePath() throws Exception {
        switchboard.deploy(shouter(jars.resolve("v1"), "1.0.0", "shout"), "shouter.jar");
        switchboard.deploy(PluginJarBuilder.plugin("caller", "1.0.0")
                .requires(">=0.1.0")
                .source("""
                        package fixtures.caller;

                        import dev.switchboard.api.*;
                        import org.pf4j.Extension;

                        @Extension
                        public class CallerPlugin implements SwitchboardPlugin {
                            @Override
                            public void start(Platform platform) {
                                platform.jaxrs(new CallerResource(platform.skills()));
                            }
                        }
                        """)
                .source("""
                        package fixtures.caller;

                        import dev.switchboard.api.*;
                        import jakarta.ws.rs.*;
                        import tools.jackson.databind.json.JsonMapper;

                        @Path("/api/caller")
                        public class CallerResource {
                            private final Skills skills;

                            public CallerResource(Skills skills) {
                                this.skills = skills;
                            }

                            @GET
                            @Produces("text/plain")
                            public String call(@QueryParam("text") String text) {
                                try {
                                    SkillResult result = skills.invoke("shout", JsonMapper.builder().build().createObjectNode().put("text", text));
                                    return result.output().get("shout").stringValue() + (result.cached() ? " (cached)" : "");
                                } catch (SkillException e) {
                                    return e.kind() + ": " + e.getMessage();
                                }
                            }
                        }
                        """)
                .build(jars.resolve("caller")), "caller.jar");
        switchboard.awaitState("shouter", PluginState.STARTED, "1.0.0");
        switchboard.awaitState("caller", PluginState.STARTED, "1.0.0");
        assertThat(switchboard.get("/api/caller?text=hey").body()).isEqualTo("1.0.0:HEY");
        assertThat(invoke("alice-token", "shout", "{\"text\":\"hey\"}").body()).contains("\"cached\":true");
        assertThat(switchboard.get("/api/caller?text=hey").body()).isEqualTo("1.0.0:HEY (cached)");
        switchboard.undeploy("shouter.jar");
        switchboard.awaitAbsent("shouter");
        assertThat(switchboard.get("/api/caller?text=hey").body()).startsWith("NOT_FOUND");
    }

    @Test
    void aBadSkillDefinitionFailsItsPluginWithTheReason() throws Exception {
        switchboard.deploy(shouter(jars.resolve("bad"), "1.0.0", "Bad Name"), "shouter.jar");
        var view = switchboard.awaitState("shouter", PluginState.FAILED, "1.0.0");
        assertThat(view.reason()).contains("skill 'Bad Name'").contains("name:");
    }
}
