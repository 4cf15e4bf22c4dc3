package dev.switchboard.testkit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The admin API end to end: upload, list, inspect, disable, enable, reload, delete, and its guards. */
class AdminApiIT {

    private static final JsonMapper JSON = JsonMapper.shared();

    @RegisterExtension
    SwitchboardExtension switchboard = SwitchboardExtension.builder().set("plugins.max_upload", "256KB").build();

    @TempDir
    Path jars;

    private HttpResponse<String> upload(Path jar, String query) throws Exception {
        return switchboard.send(switchboard.admin("/admin/plugins" + query)
                .header("Content-Type", "application/java-archive")
                .POST(HttpRequest.BodyPublishers.ofFile(jar)).build());
    }

    private HttpResponse<String> post(String path) throws Exception {
        return switchboard.send(switchboard.admin(path).POST(HttpRequest.BodyPublishers.noBody()).build());
    }

    private static JsonNode json(HttpResponse<String> response) {
        return JSON.readTree(response.body());
    }

    @Test
    void fullLifecycleThroughTheAdminApi() throws Exception {
        Path v1 = Fixtures.greeter(jars, "1.0.0");
        HttpResponse<String> created = upload(v1, "");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        assertThat(created.headers().firstValue("Location")).hasValueSatisfying(l -> assertThat(l).endsWith("/admin/plugins/greeter"));
        assertThat(json(created).get("state").asString()).isEqualTo("STARTED");
        assertThat(Files.exists(switchboard.pluginsDir().resolve("greeter.jar"))).isTrue();
        assertThat(switchboard.get("/api/greeter").statusCode()).isEqualTo(200);

        JsonNode list = json(switchboard.get("/admin/plugins"));
        assertThat(list.get("generation").asLong()).isPositive();
        JsonNode greeter = list.get("plugins").get(0);
        assertThat(greeter.get("id").asString()).isEqualTo("greeter");
        assertThat(greeter.get("version").asString()).isEqualTo("1.0.0");
        assertThat(greeter.get("routes").toString()).contains("{\"method\":\"GET\",\"path\":\"/api/greeter\"}");
        assertThat(greeter.get("filters").toString()).contains("VersionFilter");
        assertThat(greeter.get("healthChecks").toString()).contains("greetings");
        assertThat(greeter.get("generation").asLong()).isPositive();

        // The same id again, without replace: refused, nothing changes.
        HttpResponse<String> again = upload(Fixtures.greeter(jars, "2.0.0"), "");
        assertThat(again.statusCode()).isEqualTo(409);
        assertThat(json(again).get("detail").asString()).contains("?replace=true");
        assertThat(switchboard.get("/api/greeter").body()).contains("1.0.0");

        HttpResponse<String> replaced = upload(Fixtures.greeter(jars, "2.0.0"), "?replace=true");
        assertThat(replaced.statusCode()).as(replaced.body()).isEqualTo(200);
        assertThat(json(replaced).get("version").asString()).isEqualTo("2.0.0");
        assertThat(switchboard.get("/api/greeter").body()).contains("2.0.0");

        HttpResponse<String> disabled = post("/admin/plugins/greeter/disable");
        assertThat(json(disabled).get("state").asString()).isEqualTo("DISABLED");
        assertThat(switchboard.get("/api/greeter").statusCode()).isEqualTo(404);

        // The choice survives a restart.
        switchboard.stop();
        switchboard.start();
        assertThat(switchboard.plugin("greeter").orElseThrow().state()).isEqualTo(PluginState.DISABLED);
        assertThat(switchboard.get("/api/greeter").statusCode()).isEqualTo(404);

        HttpResponse<String> enabled = post("/admin/plugins/greeter/enable");
        assertThat(json(enabled).get("state").asString()).isEqualTo("STARTED");
        assertThat(switchboard.get("/api/greeter").statusCode()).isEqualTo(200);
        long generation = json(enabled).get("generation").asLong();

        HttpResponse<String> reloaded = post("/admin/plugins/greeter/reload");
        assertThat(json(reloaded).get("state").asString()).isEqualTo("STARTED");
        assertThat(json(reloaded).get("generation").asLong()).isGreaterThan(generation);

        HttpResponse<String> deleted = switchboard.send(switchboard.admin("/admin/plugins/greeter").DELETE().build());
        assertThat(deleted.statusCode()).isEqualTo(204);
        assertThat(Files.exists(switchboard.pluginsDir().resolve("greeter.jar"))).isFalse();
        assertThat(switchboard.get("/api/greeter").statusCode()).isEqualTo(404);
        assertThat(switchboard.get("/admin/plugins/greeter").statusCode()).isEqualTo(404);
    }

    @Test
    void aReplacementThatFailsToStartChangesNothing() throws Exception {
        assertThat(upload(Fixtures.greeter(jars, "1.0.0"), "").statusCode()).isEqualTo(201);
        byte[] before = Files.readAllBytes(switchboard.pluginsDir().resolve("greeter.jar"));
        Path broken = PluginJarBuilder.plugin("greeter", "3.0.0")
                .source("""
                        package fixtures.broken;

                        @org.pf4j.Extension
                        public class Broken implements dev.switchboard.api.SwitchboardPlugin {
                            public void start(dev.switchboard.api.Platform platform) {
                                throw new IllegalStateException("no config");
                            }
                        }
                        """)
                .build(jars);
        HttpResponse<String> response = upload(broken, "?replace=true");
        assertThat(response.statusCode()).isEqualTo(422);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(json(response).get("detail").asString()).contains("failed to start").contains("no config");
        assertThat(Files.readAllBytes(switchboard.pluginsDir().resolve("greeter.jar"))).isEqualTo(before);
        assertThat(switchboard.get("/api/greeter").body()).contains("1.0.0");
        assertThat(switchboard.plugin("greeter").orElseThrow().rejected()).isNull();
    }

    @Test
    void badUploadsAreRefusedAndChangeNothing() throws Exception {
        Path jar = Fixtures.greeter(jars, "1.0.0");

        HttpResponse<String> wrongType = switchboard.send(switchboard.admin("/admin/plugins").header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString("hello")).build());
        assertThat(wrongType.statusCode()).isEqualTo(415);
        assertThat(json(wrongType).get("detail").asString()).contains("application/java-archive");

        Path notAJar = jars.resolve("notes.jar");
        Files.writeString(notAJar, "definitely not a jar");
        HttpResponse<String> garbage = upload(notAJar, "");
        assertThat(garbage.statusCode()).isEqualTo(422);
        assertThat(json(garbage).get("detail").asString()).contains("not a valid jar file");

        Path big = jars.resolve("big.jar");
        Files.write(big, new byte[300 * 1024]);
        HttpResponse<String> tooBig = upload(big, "");
        assertThat(tooBig.statusCode()).isEqualTo(413);
        assertThat(tooBig.headers().firstValue("Content-Type")).hasValue("application/problem+json");

        for (String name : new String[]{"../evil.jar", "..%2Fevil.jar", "sub/dir.jar", "evil.sh", ".hidden.jar"}) {
            HttpResponse<String> traversal = upload(jar, "?filename=" + name);
            assertThat(traversal.statusCode()).as(name).isEqualTo(400);
            assertThat(json(traversal).get("detail").asString()).contains("plain name ending in .jar");
        }
        HttpResponse<String> dispositionTraversal = switchboard.send(switchboard.admin("/admin/plugins")
                .header("Content-Type", "application/java-archive")
                .header("Content-Disposition", "attachment; filename=\"../../etc/evil.jar\"")
                .POST(HttpRequest.BodyPublishers.ofFile(jar)).build());
        assertThat(dispositionTraversal.statusCode()).isEqualTo(400);

        try (var files = Files.list(switchboard.pluginsDir())) {
            assertThat(files.filter(p -> !p.getFileName().toString().startsWith("."))).isEmpty();
        }
        assertThat(Files.exists(switchboard.home().resolve("evil.jar"))).isFalse();
        assertThat(json(switchboard.get("/admin/plugins")).get("plugins").size()).isZero();
    }

    @Test
    void changesNeedTheAdminToken() throws Exception {
        Path jar = Fixtures.greeter(jars, "1.0.0");
        HttpResponse<String> anonymous = switchboard.send(HttpRequest.newBuilder(switchboard.uri("/admin/plugins"))
                .header("Content-Type", "application/java-archive").POST(HttpRequest.BodyPublishers.ofFile(jar)).build());
        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(anonymous.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
        HttpResponse<String> wrong = switchboard.send(HttpRequest.newBuilder(switchboard.uri("/admin/plugins/x/reload"))
                .header("Authorization", "Bearer nope").POST(HttpRequest.BodyPublishers.noBody()).build());
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(json(wrong).get("detail").asString()).isEqualTo("The admin token is not valid.");
        assertThat(switchboard.get("/admin/plugins").statusCode()).isEqualTo(200);

        assertThat(post("/admin/plugins/nothing/enable").statusCode()).isEqualTo(404);
        assertThat(json(post("/admin/plugins/nothing/reload")).get("detail").asString()).isEqualTo("No plugin with id 'nothing'.");
        assertThat(switchboard.send(switchboard.admin("/admin/plugins/nothing").DELETE().build()).statusCode()).isEqualTo(404);
    }
}
