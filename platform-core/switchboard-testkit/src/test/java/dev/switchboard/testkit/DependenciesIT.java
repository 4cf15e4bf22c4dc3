package dev.switchboard.testkit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** Plugins that use each other's classes, swapped together; PF4J's optional Plugin-Class. */
class DependenciesIT {

    @RegisterExtension
    SwitchboardExtension switchboard = SwitchboardExtension.builder().build();

    @TempDir
    Path jars;

    private Path base(String version) {
        return PluginJarBuilder.plugin("base", version)
                .source("""
                        package fixtures.base;

                        public final class Greetings {
                            public static String greet(String who) {
                                return "base %s greets " + who;
                            }
                        }
                        """.formatted(version))
                .source(Fixtures.minimalEntry("fixtures.base"))
                .fileName("base-" + version + ".jar")
                .build(jars);
    }

    private Path user() {
        return PluginJarBuilder.plugin("user", "1.0.0")
                .dependencies("base@>=1.0.0")
                .source("""
                        package fixtures.user;

                        import dev.switchboard.api.*;

                        @org.pf4j.Extension
                        public class Entry implements SwitchboardPlugin {
                            public void start(Platform platform) {
                                platform.jaxrs(Routes.class);
                            }
                        }
                        """)
                .source("""
                        package fixtures.user;

                        import jakarta.ws.rs.*;

                        @Path("/api/user")
                        public class Routes {
                            @GET
                            @Produces("text/plain")
                            public String get() {
                                return fixtures.base.Greetings.greet("user");
                            }
                        }
                        """)
                .classpath(base("0.0.0-compile"))
                .build(jars);
    }

    @Test
    void aDependentUsesItsDependencyAndFollowsItsSwaps() throws Exception {
        switchboard.deploy(user(), "user.jar");
        PluginStatus waiting = switchboard.awaitState("user", PluginState.FAILED, null);
        assertThat(waiting.reason()).isEqualTo("needs plugin 'base' >=1.0.0, which is not installed");

        switchboard.deploy(base("1.0.0"), "base.jar");
        switchboard.awaitState("user", PluginState.STARTED, "1.0.0");
        assertThat(switchboard.get("/api/user").body()).isEqualTo("base 1.0.0 greets user");
        long before = switchboard.plugin("user").orElseThrow().generation();

        switchboard.deploy(base("1.1.0"), "base.jar");
        switchboard.awaitState("base", PluginState.STARTED, "1.1.0");
        switchboard.awaitPlugin("user", v -> v.generation() > before, Duration.ofSeconds(10));
        assertThat(switchboard.get("/api/user").body()).isEqualTo("base 1.1.0 greets user");

        switchboard.send(switchboard.admin("/admin/plugins/base/disable").POST(HttpRequest.BodyPublishers.noBody()).build());
        PluginStatus stopped = switchboard.awaitState("user", PluginState.STOPPED, null);
        assertThat(stopped.reason()).isEqualTo("needs plugin 'base' >=1.0.0, which is disabled");
        assertThat(switchboard.get("/api/user").statusCode()).isEqualTo(404);

        switchboard.send(switchboard.admin("/admin/plugins/base/enable").POST(HttpRequest.BodyPublishers.noBody()).build());
        switchboard.awaitState("user", PluginState.STARTED, "1.0.0");
        assertThat(switchboard.get("/api/user").body()).isEqualTo("base 1.1.0 greets user");
    }

    @Test
    void aDependencyCycleFailsBothAndNothingElse() throws Exception {
        switchboard.deploy(Fixtures.greeterVariant(jars, "ping", null, "pong"), "ping.jar");
        switchboard.deploy(Fixtures.greeterVariant(jars, "pong", null, "ping"), "pong.jar");
        PluginStatus ping = switchboard.awaitPlugin("ping", v -> v.state() == PluginState.FAILED
                && v.reason().startsWith("dependency cycle"), Duration.ofSeconds(10));
        assertThat(ping.reason()).isIn("dependency cycle: ping -> pong -> ping", "dependency cycle: pong -> ping -> pong");
        assertThat(switchboard.plugin("pong").orElseThrow().state()).isEqualTo(PluginState.FAILED);
        assertThat(switchboard.get("/health/ready").statusCode()).isEqualTo(200);
    }

    @Test
    void aPf4jPluginClassIsStartedBeforeTheExtensions() throws Exception {
        Path jar = PluginJarBuilder.plugin("classic", "1.0.0")
                .manifest("Plugin-Class", "fixtures.classic.ClassicPlugin")
                .source("""
                        package fixtures.classic;

                        public class ClassicPlugin extends org.pf4j.Plugin {
                            static volatile String state = "new";

                            @Override
                            public void start() {
                                state = "started";
                            }
                        }
                        """)
                .source("""
                        package fixtures.classic;

                        import dev.switchboard.api.*;

                        @org.pf4j.Extension
                        public class Entry implements SwitchboardPlugin {
                            public void start(Platform platform) {
                                platform.healthCheck("lifecycle", () -> Health.up(ClassicPlugin.state));
                            }
                        }
                        """)
                .build(jars);
        switchboard.deploy(jar, "classic.jar");
        switchboard.awaitState("classic", PluginState.STARTED, "1.0.0");
        assertThat(switchboard.get("/health/ready").body()).contains("\"detail\":\"started\"");
    }
}
