package dev.switchboard.testkit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every kind of bad plugin jar gets a FAILED state with a reason a person can act on, and the
 * plugin that was already running keeps serving.
 */
class BadPluginsIT {

    @RegisterExtension
    static SwitchboardExtension switchboard = SwitchboardExtension.builder().leaksExpected().build();

    @TempDir
    static Path jars;

    @BeforeAll
    static void aHealthyPluginRuns() throws Exception {
        switchboard.deploy(Fixtures.greeter(jars, "1.0.0"), "greeter.jar");
        switchboard.awaitState("greeter", PluginState.STARTED, "1.0.0");
    }

    @AfterEach
    void theHealthyPluginStillServes() throws Exception {
        assertThat(switchboard.get("/api/greeter").statusCode()).isEqualTo(200);
        assertThat(switchboard.plugin("greeter").orElseThrow().state()).isEqualTo(PluginState.STARTED);
    }

    private PluginStatus deployAndAwaitFailure(Path jar, String fileName, String id) throws InterruptedException {
        switchboard.deploy(jar, fileName);
        try {
            PluginStatus view = switchboard.awaitFile(fileName, v -> v.state() == PluginState.FAILED, Duration.ofSeconds(10));
            assertThat(view.id()).isEqualTo(id);
            return view;
        } finally {
            switchboard.undeploy(fileName);
        }
    }

    @Test
    void corruptJar() throws Exception {
        Path jar = jars.resolve("corrupt.jar");
        Files.write(jar, "this is not a zip file".repeat(20).getBytes());
        PluginStatus view = deployAndAwaitFailure(jar, "corrupt.jar", "corrupt");
        assertThat(view.reason()).startsWith("not a valid jar file");
    }

    @Test
    void jarWithoutPluginManifest() throws Exception {
        Path jar = PluginJarBuilder.jar().entry("readme.txt", "hello").fileName("plain.jar").build(jars);
        PluginStatus view = deployAndAwaitFailure(jar, "plain.jar", "plain");
        assertThat(view.reason()).contains("no Plugin-Id");
    }

    @Test
    void duplicatePluginId() throws Exception {
        Path jar = Fixtures.greeter(jars.resolve("dup"), "1.5.0");
        PluginStatus view = deployAndAwaitFailure(jar, "greeter-copy.jar", "greeter");
        assertThat(view.reason()).startsWith("duplicate plugin id 'greeter': greeter.jar already provides it");
        assertThat(switchboard.get("/api/greeter").body()).contains("1.0.0");
    }

    @Test
    void incompatibleHostVersion() throws Exception {
        Path jar = Fixtures.greeterVariant(jars, "future", ">=9.0.0", null);
        PluginStatus view = deployAndAwaitFailure(jar, "future.jar", "future");
        assertThat(view.reason()).isEqualTo("requires Switchboard >=9.0.0, but this host is 0.1.0");
    }

    @Test
    void missingDependency() throws Exception {
        Path jar = Fixtures.greeterVariant(jars, "needy", null, "base@>=1.0.0");
        PluginStatus view = deployAndAwaitFailure(jar, "needy.jar", "needy");
        assertThat(view.reason()).isEqualTo("needs plugin 'base' >=1.0.0, which is not installed");
    }

    @Test
    void incompatibleDependency() throws Exception {
        Path jar = Fixtures.greeterVariant(jars, "picky", null, "greeter@>=2.0.0");
        PluginStatus view = deployAndAwaitFailure(jar, "picky.jar", "picky");
        assertThat(view.reason()).isEqualTo("needs plugin 'greeter' >=2.0.0, but 1.0.0 is installed");
    }

    @Test
    void bundlesTheJaxRsApi() throws Exception {
        Path jar = PluginJarBuilder.plugin("bundler", "1.0.0")
                .source(Fixtures.minimalEntry("fixtures.bundler"))
                .bundle(jakarta.ws.rs.Path.class).bundle(jakarta.ws.rs.GET.class)
                .build(jars);
        PluginStatus view = deployAndAwaitFailure(jar, "bundler.jar", "bundler");
        assertThat(view.reason()).startsWith("bundles host API classes: jakarta.ws.rs.* (2 classes)").contains("<scope>provided</scope>");
    }

    @Test
    void bundlesTheSwitchboardApi() throws Exception {
        Path jar = PluginJarBuilder.plugin("bundler2", "1.0.0")
                .source(Fixtures.minimalEntry("fixtures.bundler2"))
                .bundle(dev.switchboard.api.Platform.class)
                .build(jars);
        PluginStatus view = deployAndAwaitFailure(jar, "bundler2.jar", "bundler2");
        assertThat(view.reason()).startsWith("bundles host API classes: dev.switchboard.api.*");
    }

    @Test
    void usesALibraryOfTheHostItDoesNotBundle() throws Exception {
        PluginStatus view = deployAndAwaitFailure(usingJettysStringUtil("peeker", false), "peeker.jar", "peeker");
        assertThat(view.reason()).startsWith("Peeker.start() failed: NoClassDefFoundError: org/eclipse/jetty/util/StringUtil");
    }

    @Test
    void bundlesItsOwnCopyOfALibraryTheHostAlsoHas() throws Exception {
        switchboard.deploy(usingJettysStringUtil("bringer", true), "bringer.jar");
        switchboard.awaitState("bringer", PluginState.STARTED, "1.0.0");
    }

    /** A plugin whose start() calls Jetty's StringUtil, a class the host has on its class path. */
    private Path usingJettysStringUtil(String id, boolean bundled) throws Exception {
        String className = Character.toUpperCase(id.charAt(0)) + id.substring(1);
        PluginJarBuilder builder = Fixtures.startingWith(id, className, """
                platform.log().info("blank: {}", org.eclipse.jetty.util.StringUtil.isBlank(""));
                """).classpath(jarOf(org.eclipse.jetty.util.StringUtil.class));
        return (bundled ? builder.bundle(org.eclipse.jetty.util.StringUtil.class) : builder).build(jars);
    }

    private static Path jarOf(Class<?> type) throws Exception {
        return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
    }

    @Test
    void startThrows() throws Exception {
        Path jar = Fixtures.startingWith("thrower", "Thrower", """
                throw new IllegalStateException("the database is unreachable");
                """).build(jars);
        PluginStatus view = deployAndAwaitFailure(jar, "thrower.jar", "thrower");
        assertThat(view.reason()).isEqualTo("Thrower.start() failed: IllegalStateException: the database is unreachable");
    }

    @Test
    void noExtensionIndex() throws Exception {
        Path jar = PluginJarBuilder.plugin("unindexed", "1.0.0")
                .source("""
                        package fixtures.unindexed;

                        public class NotAnExtension {
                        }
                        """)
                .build(jars);
        PluginStatus view = deployAndAwaitFailure(jar, "unindexed.jar", "unindexed");
        assertThat(view.reason()).contains("lists no extensions").contains("<proc>full</proc>");
    }

    @Test
    void routeCollisionWithAnotherPlugin() throws Exception {
        Path jar = Fixtures.simple(jars, "copycat", "1.0.0", "/api/greeter");
        PluginStatus view = deployAndAwaitFailure(jar, "copycat.jar", "copycat");
        assertThat(view.reason()).isEqualTo("route collision: route /api/greeter is already served by plugin 'greeter' 1.0.0");
        assertThat(switchboard.get("/api/greeter").body()).contains("Hello, world");
    }

    @Test
    void routeUnderAHostPrefix() throws Exception {
        Path jar = Fixtures.simple(jars, "intruder", "1.0.0", "/admin/backdoor");
        PluginStatus view = deployAndAwaitFailure(jar, "intruder.jar", "intruder");
        assertThat(view.reason()).isEqualTo("route collision: route GET /admin/backdoor falls under /admin, which the host serves");
    }

    @Test
    void invalidPluginConfiguration() throws Exception {
        Path jar = PluginJarBuilder.plugin("strict", "1.0.0")
                .source(Fixtures.minimalEntry("fixtures.strict"))
                .configSchema("""
                        {"type":"object","additionalProperties":false,"required":["endpoint"],"properties":{
                          "endpoint":{"type":"string","description":"Where to send things"}}}""")
                .build(jars);
        PluginStatus view = deployAndAwaitFailure(jar, "strict.jar", "strict");
        assertThat(view.reason()).isEqualTo("invalid configuration: strict.endpoint: is required but not set");
    }

    @Test
    void aThreadLeftRunningIsReportedAsALeak() throws Exception {
        Path jar = Fixtures.startingWith("leaky", "Leaky", """
                // A badly written worker: it ignores interruption, and there is no stop().
                Thread worker = new Thread(() -> {
                    while (true) {
                        try {
                            Thread.sleep(50);
                        } catch (InterruptedException e) {
                            // ignored on purpose
                        }
                    }
                }, "leaky-worker");
                worker.setDaemon(true);
                worker.start();
                """).build(jars);
        switchboard.deploy(jar, "leaky.jar");
        switchboard.awaitState("leaky", PluginState.STARTED, "1.0.0");
        switchboard.undeploy("leaky.jar");
        switchboard.awaitAbsent("leaky");

        JsonNode leaks = awaitLeak("leaky");
        assertThat(leaks.toString()).contains("leaky-worker");
    }

    private JsonNode awaitLeak(String id) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode summary = JsonMapper.shared().readTree(switchboard.get("/admin/leaks").body());
            for (JsonNode leak : summary.get("leaks")) {
                if (leak.get("id").asString().equals(id)) {
                    return leak;
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no leak reported for " + id);
    }

    @Test
    void aFailedPluginIsVisibleInReadiness() throws Exception {
        Path jar = jars.resolve("broken.jar");
        Files.write(jar, new byte[]{1, 2, 3});
        switchboard.deploy(jar, "broken.jar");
        try {
            switchboard.awaitState("broken", PluginState.FAILED, null);
            var ready = switchboard.get("/health/ready");
            assertThat(ready.statusCode()).isEqualTo(200);
            JsonNode body = JsonMapper.shared().readTree(ready.body());
            assertThat(body.get("status").asString()).isEqualTo("DEGRADED");
            JsonNode broken = body.at("/components/plugins/plugins/broken");
            assertThat(broken.get("state").asString()).isEqualTo("FAILED");
            assertThat(broken.get("reason").asString()).startsWith("not a valid jar file");
            assertThat(body.at("/components/plugins/plugins/greeter/checks/greetings/status").asString()).isEqualTo("UP");
        } finally {
            switchboard.undeploy("broken.jar");
            switchboard.awaitAbsent("broken");
        }
        assertThat(List.of(switchboard.get("/health/ready").statusCode())).containsExactly(200);
    }

    @Test
    void aReplacementWithAMissingDependencyLeavesTheLiveVersionServing() throws Exception {
        Path jar = PluginJarBuilder.plugin("greeter", "9.0.0")
                .dependencies("nowhere@>=1.0.0")
                .source(Fixtures.minimalEntry("fixtures.greeter9"))
                .build(jars.resolve("g9"));
        Path original = jars.resolve("greeter-original.jar");
        java.nio.file.Files.copy(switchboard.pluginsDir().resolve("greeter.jar"), original);
        switchboard.deploy(jar, "greeter.jar");
        try {
            PluginStatus view = switchboard.awaitPlugin("greeter", v -> v.rejected() != null, Duration.ofSeconds(10));
            assertThat(view.state()).isEqualTo(PluginState.STARTED);
            assertThat(view.version()).isEqualTo("1.0.0");
            assertThat(view.rejected().version()).isEqualTo("9.0.0");
            assertThat(view.rejected().reason()).isEqualTo("needs plugin 'nowhere' >=1.0.0, which is not installed");
            assertThat(switchboard.get("/api/greeter").body()).contains("1.0.0");
        } finally {
            switchboard.deploy(original, "greeter.jar");
            switchboard.awaitPlugin("greeter", v -> v.rejected() == null && v.state() == PluginState.STARTED, Duration.ofSeconds(10));
        }
    }

    @Test
    void aFailedStartIsRetriedOnlyForANewJarOrAReload() throws Exception {
        Path jar = Fixtures.startingWith("counted", "Counted", """
                int starts = Integer.getInteger("counted.starts", 0) + 1;
                System.setProperty("counted.starts", Integer.toString(starts));
                throw new IllegalStateException("start number " + starts);
                """).build(jars);
        System.clearProperty("counted.starts");
        switchboard.deploy(jar, "counted.jar");
        try {
            switchboard.awaitState("counted", PluginState.FAILED, null);
            // Unrelated changes: another plugin comes and goes.
            switchboard.deploy(Fixtures.simple(jars, "bystander", "1.0.0", "/api/bystander"), "bystander.jar");
            switchboard.awaitState("bystander", PluginState.STARTED, "1.0.0");
            switchboard.undeploy("bystander.jar");
            switchboard.awaitAbsent("bystander");
            assertThat(Integer.getInteger("counted.starts")).isEqualTo(1);

            var reload = switchboard.send(switchboard.admin("/admin/plugins/counted/reload")
                    .POST(java.net.http.HttpRequest.BodyPublishers.noBody()).build());
            assertThat(reload.body()).contains("start number 2");
            assertThat(Integer.getInteger("counted.starts")).isEqualTo(2);
        } finally {
            switchboard.undeploy("counted.jar");
            switchboard.awaitAbsent("counted");
        }
    }
}
