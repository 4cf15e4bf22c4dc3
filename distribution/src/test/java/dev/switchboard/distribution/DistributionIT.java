package dev.switchboard.distribution;

import dev.switchboard.testkit.PluginJarBuilder;
import dev.switchboard.testkit.TestSkills;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** The distribution as an operator meets it: the launcher, its flags and exit codes, a real run. */
class DistributionIT {

    private static final Pattern LISTENING = Pattern.compile("Listening +http://127\\.0\\.0\\.1:(\\d+)");
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final JsonMapper JSON = JsonMapper.shared();

    @TempDir
    Path temp;

    @Test
    void helpAndVersion() throws Exception {
        Launcher help = Launcher.start(Launcher.DIST, Map.of(), "--help");
        assertThat(help.exitCode()).isZero();
        assertThat(help.output()).contains("Usage: switchboard").contains("run").contains("mcp").contains("version");

        Launcher mcpHelp = Launcher.start(Launcher.DIST, Map.of(), "mcp", "--help");
        assertThat(mcpHelp.exitCode()).isZero();
        assertThat(mcpHelp.output()).contains("--stdio").contains("--skills-dir").contains("--set");

        Launcher runHelp = Launcher.start(Launcher.DIST, Map.of(), "run", "--help");
        assertThat(runHelp.exitCode()).isZero();
        assertThat(runHelp.output()).contains("--port").contains("--host").contains("--config").contains("--plugins-dir").contains("--skills-dir");

        Launcher version = Launcher.start(Launcher.DIST, Map.of(), "version");
        assertThat(version.exitCode()).isZero();
        assertThat(version.output()).contains("Switchboard " + Launcher.VERSION).containsPattern("Java 2[5-9]");

        Launcher nothing = Launcher.start(Launcher.DIST, Map.of());
        assertThat(nothing.exitCode()).isEqualTo(2);
        assertThat(nothing.output()).contains("Missing command");
    }

    @Test
    void runsServesHotDeploysAndShutsDownGracefully() throws Exception {
        Path home = Launcher.copyOfDistribution(temp);
        Path plugins = temp.resolve("my-plugins");
        Files.createDirectories(plugins);
        Path slow = PluginJarBuilder.plugin("slow", "1.0.0")
                .source("""
                        package fixtures.slow;

                        import dev.switchboard.api.*;

                        @org.pf4j.Extension
                        public class Slow implements SwitchboardPlugin {
                            public void start(Platform platform) {
                                platform.jaxrs(new Routes());
                            }
                        }
                        """)
                .source("""
                        package fixtures.slow;

                        import jakarta.ws.rs.*;

                        @Path("/api/slow")
                        public class Routes {
                            @GET
                            @Produces("text/plain")
                            public String slow(@QueryParam("ms") long ms) throws InterruptedException {
                                Thread.sleep(ms);
                                return "done after " + ms + " ms";
                            }
                        }
                        """)
                .build(plugins);

        try (Launcher switchboard = Launcher.start(home, Map.of("SWITCHBOARD_SHUTDOWN_TIMEOUT", "20s"),
                "run", "--port", "0", "--plugins-dir", plugins.toString())) {
            Matcher listening = switchboard.await(LISTENING, Duration.ofSeconds(60));
            URI base = URI.create("http://127.0.0.1:" + listening.group(1));
            switchboard.await(Pattern.compile("Press Ctrl-C to stop"), Duration.ofSeconds(10));
            assertThat(switchboard.output())
                    .contains("Switchboard " + Launcher.VERSION + " is ready")
                    .contains("1 started (slow 1.0.0)")
                    .contains("Admin API   " + base + "/admin")
                    .contains("Admin token ")
                    .contains("Config      " + home.resolve("conf/switchboard.yaml"));

            assertThat(get(base, "/health/ready").statusCode()).isEqualTo(200);

            // Hot deploy the sample plugin by atomic rename.
            Path staged = plugins.resolve(".hello.jar.part");
            Files.copy(home.resolve("examples/plugins/hello-plugin-" + Launcher.VERSION + ".jar"), staged);
            long dropped = System.nanoTime();
            Files.move(staged, plugins.resolve("hello.jar"), StandardCopyOption.ATOMIC_MOVE);
            HttpResponse<String> hello;
            do {
                hello = get(base, "/api/hello?name=Ops");
            } while (hello.statusCode() == 404 && System.nanoTime() - dropped < Duration.ofSeconds(20).toNanos());
            long liveMillis = (System.nanoTime() - dropped) / 1_000_000;
            assertThat(hello.statusCode()).isEqualTo(200);
            assertThat(hello.body()).contains("Hello, Ops!");
            System.out.println("hello went live " + liveMillis + " ms after the rename");

            // An in-flight request finishes although SIGTERM arrives while it runs.
            CompletableFuture<HttpResponse<String>> inFlight = HTTP.sendAsync(
                    HttpRequest.newBuilder(base.resolve("/api/slow?ms=1500")).build(), HttpResponse.BodyHandlers.ofString());
            Thread.sleep(300);
            switchboard.terminate();
            HttpResponse<String> finished = inFlight.get();
            assertThat(finished.statusCode()).isEqualTo(200);
            assertThat(finished.body()).isEqualTo("done after 1500 ms");
            int exit = switchboard.exitCode();
            assertThat(exit).isIn(0, 143);
            assertThat(switchboard.output()).contains("Switchboard is shutting down").contains("Switchboard stopped in");
        }
    }

    @Test
    void aSigtermAsReadinessGoesUpStopsGracefullyWithoutWaitingForPython() throws Exception {
        try (Launcher switchboard = Launcher.start(Launcher.DIST, Map.of("SWITCHBOARD_PORT", "0",
                "SWITCHBOARD_PLUGINS_DIR", temp.resolve("sigterm-plugins").toString()), "run")) {
            awaitReady(switchboard);
            // At once: the skills are still warming up, and the launcher may not have printed its banner.
            switchboard.terminate();
            assertThat(switchboard.exitCode()).isIn(0, 143);
            assertThat(switchboard.output()).contains("Switchboard is shutting down", "Switchboard stopped in")
                    .doesNotContain("Skill folder");
        }
    }

    private static URI awaitReady(Launcher switchboard) throws Exception {
        Matcher listening = switchboard.await(Pattern.compile("listening on http://127\\.0\\.0\\.1:(\\d+)"), Duration.ofSeconds(30));
        URI base = URI.create("http://127.0.0.1:" + listening.group(1));
        while (get(base, "/health/ready").statusCode() != 200) {
            Thread.sleep(10);
        }
        return base;
    }

    private static HttpResponse<String> invoke(URI base, String skill, String input) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(base.resolve("/api/skills/" + skill + "/invoke")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(input)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void skillsAreListedAtReadinessAndACallMadeAtOnceIsAnsweredOnceTheSkillIsWarm() throws Exception {
        Path skills = Files.createDirectories(temp.resolve("skills"));
        for (String seed : new String[]{"monaco-config", "sse-handler"}) {
            Path from = Launcher.DIST.resolve("skills").resolve(seed);
            Files.createDirectories(skills.resolve(seed));
            try (var files = Files.list(from)) {
                for (Path file : files.toList()) {
                    Files.copy(file, skills.resolve(seed).resolve(file.getFileName()));
                }
            }
        }
        TestSkills.slowStart(skills, 3);
        JsonNode monacoCase = JSON.readTree(skills.resolve("monaco-config/cases.json").toFile()).get(0);
        // The point is that the call waits instead of failing, not how fast this machine warms GraalPy: on a busy
        // 2-core machine monaco-config took more than the default 30 s to load, so the wait may be longer here.
        try (Launcher switchboard = Launcher.start(Launcher.DIST, Map.of("SWITCHBOARD_PORT", "0", "SWITCHBOARD_SKILLS_DIR", skills.toString(),
                "SWITCHBOARD_PLUGINS_DIR", temp.resolve("plugins").toString(), "SWITCHBOARD_SKILLS_WARM_UP_ALLOWANCE", "120s"), "run")) {
            URI base = awaitReady(switchboard);
            JsonNode listed = JSON.readTree(get(base, "/api/skills").body()).get("skills");
            assertThat(listed.findValuesAsString("name")).containsExactly("monaco-config", "slow-start", "sse-handler");
            assertThat(listed.get(1).get("state").stringValue()).as("its warm-up takes 3 s").isEqualTo("loading");
            assertThat(get(base, "/health/skills").statusCode()).isEqualTo(503);
            assertThat(JSON.readTree(get(base, "/health/ready").body()).at("/components/skills/loading").intValue()).isPositive();

            HttpResponse<String> monaco = invoke(base, "monaco-config", monacoCase.get("input").toString());
            assertThat(monaco.statusCode()).as(monaco.body()).isEqualTo(200);
            assertThat(JSON.readTree(monaco.body()).get("output")).isEqualTo(monacoCase.get("output"));
            HttpResponse<String> slow = invoke(base, "slow-start", "{\"sleep\": 0}");
            assertThat(slow.statusCode()).as(slow.body()).isEqualTo(200);
            assertThat(JSON.readTree(slow.body()).get("output").toString()).as("no output_schema: any JSON").isEqualTo("{\"sleep\":0}");

            HttpResponse<String> all = get(base, "/health/skills");
            for (long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos(); all.statusCode() != 200 && System.nanoTime() < deadline; ) {
                Thread.sleep(100);
                all = get(base, "/health/skills");
            }
            assertThat(all.statusCode()).as(all.body()).isEqualTo(200);
            assertThat(JSON.readTree(all.body()).get("ready").intValue()).isEqualTo(3);
            switchboard.terminate();
            assertThat(switchboard.exitCode()).isIn(0, 143);
        }
    }

    @Test
    void pastAShortWarmUpAllowanceACallIsAnswered503WithRetryAfter() throws Exception {
        Path skills = Files.createDirectories(temp.resolve("slow-skills"));
        TestSkills.slowStart(skills, 10);
        try (Launcher switchboard = Launcher.start(Launcher.DIST, Map.of("SWITCHBOARD_PORT", "0", "SWITCHBOARD_SKILLS_DIR", skills.toString(),
                "SWITCHBOARD_PLUGINS_DIR", temp.resolve("plugins").toString(), "SWITCHBOARD_SKILLS_WARM_UP_ALLOWANCE", "1s"), "run")) {
            URI base = awaitReady(switchboard);
            HttpResponse<String> early = invoke(base, "slow-start", "{\"sleep\": 0}");
            assertThat(early.statusCode()).as(early.body()).isEqualTo(503);
            assertThat(early.headers().firstValue("Content-Type")).contains("application/problem+json");
            assertThat(early.headers().firstValue("Retry-After")).contains("5");
            assertThat(JSON.readTree(early.body()).get("kind").stringValue()).isEqualTo("loading");
            switchboard.terminate();
            assertThat(switchboard.exitCode()).isIn(0, 143);
        }
    }

    @Test
    void environmentOverridesAndConfigFile() throws Exception {
        Path config = temp.resolve("custom.yaml");
        Files.writeString(config, "admin:\n  token: from-the-file\n");
        try (Launcher switchboard = Launcher.start(Launcher.DIST, Map.of("SWITCHBOARD_PORT", "0", "SWITCHBOARD_PLUGINS_DIR", temp.resolve("p").toString()),
                "run", "--config", config.toString())) {
            Matcher listening = switchboard.await(LISTENING, Duration.ofSeconds(60));
            switchboard.await(Pattern.compile("Press Ctrl-C to stop"), Duration.ofSeconds(10));
            assertThat(switchboard.output()).contains("Admin token from configuration").contains("Config      " + config);
            URI base = URI.create("http://127.0.0.1:" + listening.group(1));
            HttpResponse<String> reload = HTTP.send(HttpRequest.newBuilder(base.resolve("/admin/plugins/x/reload"))
                    .header("Authorization", "Bearer from-the-file").POST(HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(reload.statusCode()).isEqualTo(404);
            switchboard.terminate();
            switchboard.exitCode();
        }
    }

    @Test
    void pluginCommandsRunFromTheLauncher() throws Exception {
        Path home = Launcher.copyOfDistribution(temp.resolve("commands"));
        assertThat(home.resolve("plugins/kong-plugin.jar")).isRegularFile();
        Files.writeString(home.resolve("conf/kong.yml"), "_format_version: \"3.0\"\nplugins:\n  - name: cors\n");
        Map<String, String> env = Map.of("SWITCHBOARD_KONG_DECLARATIVE_CONFIG", "conf/kong.yml");

        Launcher export = Launcher.start(home, env, "kong", "export", "--output", "kong-export.yml");
        assertThat(export.exitCode()).as(export.output()).isZero();
        String exported = Files.readString(home.resolve("kong-export.yml"));
        assertThat(exported).contains("_format_version: \"3.0\"", "name: \"switchboard-streams\"", "/api/events/stream", "name: \"cors\"");
        assertThat(export.output()).as("a command never starts the Python runtime").doesNotContain("GraalPy", "Skill monaco-config");

        Launcher usage = Launcher.start(home, env, "kong");
        assertThat(usage.exitCode()).isEqualTo(2);
        assertThat(usage.output()).contains("Usage: switchboard kong <command>", "export");

        Launcher unknown = Launcher.start(home, env, "kong", "frobnicate");
        assertThat(unknown.exitCode()).isEqualTo(2);
        assertThat(unknown.output()).contains("plugin 'kong' has no command 'frobnicate'");

        Launcher nobody = Launcher.start(home, env, "nobody", "export");
        assertThat(nobody.exitCode()).isEqualTo(2);
        assertThat(nobody.output()).contains("'nobody' is neither a command of switchboard nor a live plugin with commands (plugins with commands: kong, performance)");

        Launcher badArgument = Launcher.start(home, env, "kong", "export", "--frobnicate");
        assertThat(badArgument.exitCode()).isEqualTo(2);
        assertThat(badArgument.output()).contains("unknown argument '--frobnicate'");

        Launcher check = Launcher.start(home, env, "performance", "check", "--url", "http://127.0.0.1:1");
        assertThat(check.exitCode()).as(check.output()).isEqualTo(1);
        assertThat(check.output()).contains("switchboard performance check: cannot reach http://127.0.0.1:1/api/performance/budgets");
    }

    @Test
    void aTakenPortExitsWithAClearMessage() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            Launcher switchboard = Launcher.start(Launcher.DIST, Map.of("SWITCHBOARD_PLUGINS_DIR", temp.resolve("p").toString()),
                    "run", "--port", Integer.toString(taken.getLocalPort()));
            assertThat(switchboard.exitCode()).isEqualTo(1);
            assertThat(switchboard.output()).contains("Cannot listen on 127.0.0.1:" + taken.getLocalPort())
                    .contains("already in use").contains("--port");
        }
    }

    @Test
    void invalidConfigurationExitsNamingTheKey() throws Exception {
        Path config = temp.resolve("bad.yaml");
        Files.writeString(config, "prot: 8080\nlimits:\n  max_request_body: lots\n");
        Launcher badFile = Launcher.start(Launcher.DIST, Map.of(), "run", "--config", config.toString());
        assertThat(badFile.exitCode()).isEqualTo(2);
        assertThat(badFile.output()).contains("prot: unknown key").contains("limits.max_request_body").contains(config.toString());

        Launcher badEnv = Launcher.start(Launcher.DIST, Map.of("SWITCHBOARD_PORT", "eighty"), "run");
        assertThat(badEnv.exitCode()).isEqualTo(2);
        assertThat(badEnv.output()).contains("port: must be a whole number, got 'eighty' (SWITCHBOARD_PORT)");

        Launcher badFlag = Launcher.start(Launcher.DIST, Map.of(), "run", "--port", "70000");
        assertThat(badFlag.exitCode()).isEqualTo(2);
        assertThat(badFlag.output()).contains("port: ").contains("65535").contains("--port 70000");

        Launcher missing = Launcher.start(Launcher.DIST, Map.of(), "run", "--config", temp.resolve("nope.yaml").toString());
        assertThat(missing.exitCode()).isEqualTo(2);
        assertThat(missing.output()).contains("nope.yaml does not exist");
    }

    @Test
    void withoutAJdk25TheLauncherSaysWhatToDo() throws Exception {
        Launcher none = Launcher.start(Launcher.DIST, Map.of("SWITCHBOARD_JAVA_MIN", "99"), "version");
        assertThat(none.exitCode()).isEqualTo(1);
        assertThat(none.output()).contains("Switchboard needs a JDK 99 or newer, and none was found")
                .contains("Install a JDK 99").contains("SWITCHBOARD_JAVA_HOME");

        Launcher wrong = Launcher.start(Launcher.DIST, Map.of("SWITCHBOARD_JAVA_HOME", temp.toString()), "version");
        assertThat(wrong.exitCode()).isEqualTo(1);
        assertThat(wrong.output()).contains("SWITCHBOARD_JAVA_HOME=" + temp + " is not a JDK 25 or newer");
    }

    @Test
    void theTarballUnpacksToARunnableDistribution() throws Exception {
        Path tarball = Path.of(System.getProperty("switchboard.tarball"));
        assertThat(tarball).exists();
        Process tar = new ProcessBuilder("tar", "-xzf", tarball.toString(), "-C", temp.toString()).inheritIO().start();
        assertThat(tar.waitFor()).isZero();
        Path root = temp.resolve("switchboard-" + Launcher.VERSION);
        for (String dir : new String[]{"bin", "lib", "conf", "plugins", "skills", "docs", "examples/plugins", "monitoring"}) {
            assertThat(root.resolve(dir)).as(dir).isDirectory();
        }
        assertThat(root.resolve("plugins/kong-plugin.jar")).isRegularFile();
        assertThat(root.resolve("plugins/performance-plugin.jar")).isRegularFile();
        assertThat(root.resolve("monitoring/switchboard-dashboard.json")).isRegularFile();
        Process rules = new ProcessBuilder("promtool", "check", "rules", root.resolve("monitoring/switchboard-alerts.yml").toString())
                .redirectErrorStream(true).start();
        String checked = new String(rules.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(rules.waitFor()).as("promtool check rules on the shipped alert rules: " + checked).isZero();
        assertThat(Files.getPosixFilePermissions(root.resolve("bin/switchboard"))).contains(PosixFilePermission.OWNER_EXECUTE);
        assertThat(root.resolve("conf/switchboard.yaml")).isRegularFile();
        assertThat(root.resolve("docs/configuration.md")).isRegularFile();
        assertThat(root.resolve("lib/switchboard-runtime-" + Launcher.VERSION + ".jar")).isRegularFile();
        // Its README is for whoever downloaded it: how to run it from here, not how to build it.
        assertThat(Files.readString(root.resolve("README.md"))).contains("# Switchboard " + Launcher.VERSION, "bin/switchboard run")
                .doesNotContain("./mvnw", "cd distribution");
        Launcher version = Launcher.start(root, Map.of(), "version");
        assertThat(version.exitCode()).isZero();
        assertThat(version.output()).contains("Switchboard " + Launcher.VERSION);
    }

    @Test
    void theSeedSkillsServeUnderTheGraalJitAndWithoutIt() throws Exception {
        JsonNode firstCase = JSON.readTree(Launcher.DIST.resolve("skills/sse-handler/cases.json").toFile()).get(0);
        for (boolean jit : new boolean[]{true, false}) {
            Map<String, String> env = Map.of("SWITCHBOARD_PORT", "0", "SWITCHBOARD_PLUGINS_DIR", temp.resolve("p").toString(),
                    "SWITCHBOARD_ADMIN_TOKEN", "admin-token", "SWITCHBOARD_JIT", Boolean.toString(jit));
            try (Launcher switchboard = Launcher.start(Launcher.DIST, env, "run")) {
                URI base = URI.create("http://127.0.0.1:" + switchboard.await(LISTENING, Duration.ofSeconds(60)).group(1));
                switchboard.await(Pattern.compile(jit ? "GraalPy \\(Python 3\\.\\d+\\.\\d+\\) started with the Graal JIT"
                        : "GraalPy \\(Python 3\\.\\d+\\.\\d+\\) runs interpreter-only"),
                        Duration.ofSeconds(90));
                JsonNode skills;
                long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                do {
                    skills = JSON.readTree(HTTP.send(HttpRequest.newBuilder(base.resolve("/admin/skills"))
                            .header("Authorization", "Bearer admin-token").build(), HttpResponse.BodyHandlers.ofString()).body());
                } while (!skills.get("skills").findValuesAsString("state").equals(java.util.List.of("ready", "ready"))
                        && System.nanoTime() < deadline && sleep());
                assertThat(skills.get("skills").findValuesAsString("name")).containsExactlyInAnyOrder("monaco-config", "sse-handler");
                assertThat(skills.get("rejected").size()).isZero();
                assertThat(skills.at("/runtimes/python/jit").booleanValue()).isEqualTo(jit);
                assertThat(switchboard.output()).doesNotContain("WARNING").doesNotContain("sets no host key");

                HttpResponse<String> invoked = HTTP.send(HttpRequest.newBuilder(base.resolve("/api/skills/sse-handler/invoke"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(firstCase.get("input").toString())).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(invoked.statusCode()).as(invoked.body()).isEqualTo(200);
                assertThat(JSON.readTree(invoked.body()).get("output")).isEqualTo(firstCase.get("output"));
                switchboard.terminate();
                switchboard.exitCode();
            }
        }
    }

    private static boolean sleep() throws InterruptedException {
        Thread.sleep(200);
        return true;
    }

    private static HttpResponse<String> get(URI base, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(base.resolve(path)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
