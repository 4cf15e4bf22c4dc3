package dev.switchboard.bench;

import dev.switchboard.runtime.config.ConfigLoader;
import dev.switchboard.runtime.config.ConfigOverride;
import dev.switchboard.runtime.server.Switchboard;
import dev.switchboard.testkit.PluginJarBuilder;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Plugin swap cost and safety under load.
 *
 * <ol>
 *   <li>Switchboard itself: requests/s without swaps; then swaps through the admin API (upload with
 *       replace) and through the plugin directory (atomic rename) while the load runs: swap latency
 *       p50/p99, requests failed, requests/s during the swaps.</li>
 *   <li>The same Jersey application on bare Jetty, swapped with {@code ServletContainer.reload()}
 *       and with blue/green, under the same load.</li>
 *   <li>Startup: {@code bin/switchboard run} to the first ready answer, cold JVM, several runs.</li>
 * </ol>
 *
 * Bounded: each phase runs for {@code --seconds} or {@code --swaps} swaps. Results go to stdout
 * and to {@code --results}/swap-&lt;time&gt;.json.
 */
public final class SwapBenchmark {

    private static final JsonMapper JSON = JsonMapper.shared();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final int clients;
    private final int seconds;
    private final int swaps;
    private final ObjectNode results = JSON.createObjectNode();

    private SwapBenchmark(int clients, int seconds, int swaps) {
        this.clients = clients;
        this.seconds = seconds;
        this.swaps = swaps;
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            options.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        SwapBenchmark benchmark = new SwapBenchmark(
                Integer.parseInt(options.getOrDefault("clients", "8")),
                Integer.parseInt(options.getOrDefault("seconds", "10")),
                Integer.parseInt(options.getOrDefault("swaps", "40")));
        benchmark.results.put("date", Instant.now().toString());
        benchmark.results.put("java", Runtime.version().toString());
        benchmark.results.put("cpus", Runtime.getRuntime().availableProcessors());
        benchmark.results.put("clients", benchmark.clients);

        // One short unrecorded round first, so that every contender runs JIT-compiled code
        // (Jetty, Jersey and the HTTP client are shared; whoever ran first would pay for them).
        System.out.println("Warm-up round (not recorded)...");
        SwapBenchmark warmUp = new SwapBenchmark(benchmark.clients, 5, 5);
        warmUp.switchboard();
        boolean peers = !options.containsKey("skip-peers");
        if (peers) {
            warmUp.bareJersey(BareJersey.Mode.RELOAD);
            warmUp.bareJersey(BareJersey.Mode.BLUE_GREEN);
        }
        System.out.println("\nMeasured round:");
        benchmark.switchboard();
        if (peers) {
            benchmark.bareJersey(BareJersey.Mode.RELOAD);
            benchmark.bareJersey(BareJersey.Mode.BLUE_GREEN);
        }
        Path distribution = Path.of(options.getOrDefault("distribution", "distribution/target/switchboard"));
        if (Files.isExecutable(distribution.resolve("bin/switchboard"))) {
            benchmark.startup(distribution, 5);
        } else {
            System.out.println("(no distribution at " + distribution + ": startup not measured; run the full build first)");
        }

        Path out = Path.of(options.getOrDefault("results", "bench/results"));
        Files.createDirectories(out);
        Path file = out.resolve("swap-" + Instant.now().toString().replace(':', '-').replaceAll("\\..*", "") + ".json");
        Files.writeString(file, benchmark.results.toPrettyString());
        System.out.println("\nResults written to " + file);
        System.exit(0);
    }

    // ------------------------------------------------------------------ Switchboard itself

    private void switchboard() throws Exception {
        Path home = Files.createTempDirectory("switchboard-bench-");
        Path jars = home.resolve("jars");
        Path v1 = benchPlugin(jars, "1.0.0");
        Path v2 = benchPlugin(jars, "2.0.0");
        String token = "bench-token";
        long started = System.nanoTime();
        try (Switchboard host = Switchboard.start(ConfigLoader.load(home, Optional.empty(), Map.of(), List.of(
                new ConfigOverride("port", "0", "bench"),
                new ConfigOverride("admin.token", token, "bench"),
                new ConfigOverride("plugins.dir", home.resolve("plugins").toString(), "bench"))))) {
            double startMillis = (System.nanoTime() - started) / 1e6;
            URI base = host.httpUri();
            upload(base, token, v1);
            URI target = base.resolve("/api/bench");

            try (LoadGenerator load = new LoadGenerator(target, clients)) {
                Thread.sleep(3000); // warm-up
                load.window();
                Thread.sleep(seconds * 1000L);
                LoadGenerator.Window steady = load.window();

                Stats admin = new Stats();
                for (int i = 1; i <= swaps; i++) {
                    long t = System.nanoTime();
                    upload(base, token, i % 2 == 1 ? v2 : v1);
                    admin.add((System.nanoTime() - t) / 1e6);
                    Thread.sleep(100);
                }
                LoadGenerator.Window duringAdmin = load.window();

                Stats folder = new Stats();
                Path plugins = host.config().pluginsDir();
                for (int i = 1; i <= Math.min(swaps, 20); i++) {
                    Path jar = i % 2 == 1 ? v2 : v1;
                    String expected = i % 2 == 1 ? "2.0.0" : "1.0.0";
                    Path staged = plugins.resolve(".bench.jar.part");
                    Files.copy(jar, staged, StandardCopyOption.REPLACE_EXISTING);
                    long t = System.nanoTime();
                    Files.move(staged, plugins.resolve("bench.jar"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                    while (!get(target).body().contains(expected)) {
                        Thread.sleep(2);
                    }
                    folder.add((System.nanoTime() - t) / 1e6);
                    Thread.sleep(100);
                }
                LoadGenerator.Window duringFolder = load.window();

                ObjectNode node = results.putObject("switchboard");
                node.put("startInProcessMs", round(startMillis));
                node.put("steadyRequestsPerSecond", round(steady.perSecond()));
                node.put("steadyFailed", steady.failed());
                putStats(node.putObject("adminSwap"), admin);
                node.put("adminSwapRequestsPerSecond", round(duringAdmin.perSecond()));
                node.put("adminSwapRequests", duringAdmin.ok() + duringAdmin.failed());
                node.put("adminSwapFailed", duringAdmin.failed());
                putStats(node.putObject("folderSwapToLive"), folder);
                node.put("folderSwapRequestsPerSecond", round(duringFolder.perSecond()));
                node.put("folderSwapRequests", duringFolder.ok() + duringFolder.failed());
                node.put("folderSwapFailed", duringFolder.failed());
                node.putPOJO("failureSamples", concat(steady.samples(), duringAdmin.samples(), duringFolder.samples()));
                System.out.printf("%nSwitchboard (%d clients): %.0f req/s steady, %d failed%n", clients, steady.perSecond(), steady.failed());
                System.out.printf("  %d admin-API swaps:   %s; %.0f req/s during swaps, %d of %d requests failed%n",
                        admin.count(), admin, duringAdmin.perSecond(), duringAdmin.failed(), duringAdmin.ok() + duringAdmin.failed());
                System.out.printf("  %d directory swaps, rename to new version answering: %s; %.0f req/s, %d of %d failed%n",
                        folder.count(), folder, duringFolder.perSecond(), duringFolder.failed(), duringFolder.ok() + duringFolder.failed());
            }
            var leaks = host.plugins().leaks();
            ((ObjectNode) results.get("switchboard")).put("retiredVersions", leaks.retired()).put("leaked", leaks.leaks().size());
        }
    }

    private static Path benchPlugin(Path dir, String version) {
        return PluginJarBuilder.plugin("bench", version)
                .source("""
                        package bench.plugin;

                        import dev.switchboard.api.*;

                        @org.pf4j.Extension
                        public class BenchPlugin implements SwitchboardPlugin {
                            public void start(Platform platform) {
                                platform.jaxrs(Routes.class);
                            }
                        }
                        """)
                .source("""
                        package bench.plugin;

                        import jakarta.ws.rs.*;

                        @Path("/api/bench")
                        public class Routes {
                            @GET
                            @Produces("text/plain")
                            public String get() {
                                return "bench %s";
                            }
                        }
                        """.formatted(version))
                .fileName("bench-" + version + ".jar")
                .build(dir);
    }

    private static void upload(URI base, String token, Path jar) throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(base.resolve("/admin/plugins?replace=true&filename=bench.jar"))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/java-archive")
                .POST(HttpRequest.BodyPublishers.ofFile(jar)).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() / 100 != 2) {
            throw new IllegalStateException("upload failed: " + response.statusCode() + " " + response.body());
        }
    }

    // ------------------------------------------------------------------ the peer: bare Jersey

    private void bareJersey(BareJersey.Mode mode) throws Exception {
        try (BareJersey server = new BareJersey(mode); LoadGenerator load = new LoadGenerator(server.uri(), clients)) {
            Thread.sleep(3000);
            load.window();
            Thread.sleep(seconds * 1000L);
            LoadGenerator.Window steady = load.window();
            Stats swapStats = new Stats();
            for (int i = 0; i < swaps; i++) {
                long t = System.nanoTime();
                server.swap();
                swapStats.add((System.nanoTime() - t) / 1e6);
                Thread.sleep(100);
            }
            LoadGenerator.Window during = load.window();
            ObjectNode node = results.putObject(mode == BareJersey.Mode.RELOAD ? "jerseyReload" : "jerseyBlueGreen");
            node.put("steadyRequestsPerSecond", round(steady.perSecond()));
            putStats(node.putObject("swap"), swapStats);
            node.put("swapRequestsPerSecond", round(during.perSecond()));
            node.put("swapRequests", during.ok() + during.failed());
            node.put("swapFailed", during.failed());
            node.putPOJO("failureSamples", during.samples());
            System.out.printf("%nBare Jersey, %s (%d clients): %.0f req/s steady; %d swaps: %s; %.0f req/s during swaps, %d of %d requests failed%n",
                    mode == BareJersey.Mode.RELOAD ? "ServletContainer.reload()" : "blue/green", clients, steady.perSecond(),
                    swapStats.count(), swapStats, during.perSecond(), during.failed(), during.ok() + during.failed());
            if (!during.samples().isEmpty()) {
                System.out.println("  e.g. " + during.samples().getFirst());
            }
        }
    }

    // ------------------------------------------------------------------ startup

    private void startup(Path distribution, int runs) throws Exception {
        Stats toReady = new Stats();
        Stats reported = new Stats();
        Pattern listening = Pattern.compile("Listening +http://127\\.0\\.0\\.1:(\\d+)");
        Pattern ready = Pattern.compile("is ready \\((\\d+) ms\\)");
        for (int i = 0; i < runs; i++) {
            Path plugins = Files.createTempDirectory("switchboard-bench-plugins-");
            long t = System.nanoTime();
            Process process = new ProcessBuilder(distribution.resolve("bin/switchboard").toString(), "run", "--port", "0",
                    "--plugins-dir", plugins.toString()).redirectErrorStream(true).start();
            try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                URI base = null;
                boolean sawReady = false;
                while ((base == null || !sawReady) && (line = out.readLine()) != null) {
                    Matcher m = listening.matcher(line);
                    if (m.find()) {
                        base = URI.create("http://127.0.0.1:" + m.group(1));
                    }
                    Matcher r = ready.matcher(line);
                    if (r.find()) {
                        reported.add(Double.parseDouble(r.group(1)));
                        sawReady = true;
                    }
                }
                if (base == null) {
                    throw new IllegalStateException("switchboard did not start");
                }
                while (get(base.resolve("/health/ready")).statusCode() != 200) {
                    Thread.sleep(5);
                }
                toReady.add((System.nanoTime() - t) / 1e6);
                process.destroy();
                process.waitFor();
            }
        }
        ObjectNode node = results.putObject("startup");
        putStats(node.putObject("processToReady"), toReady);
        putStats(node.putObject("mainToReady"), reported);
        System.out.printf("%nStartup, bin/switchboard run to the first 200 from /health/ready (%d cold runs): %s%n"
                + "  of which inside the JVM, main() to ready: %s%n", runs, toReady, reported);
    }

    // ------------------------------------------------------------------ helpers

    private static HttpResponse<String> get(URI uri) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void putStats(ObjectNode node, Stats stats) {
        node.put("count", stats.count());
        node.put("p50Ms", round(stats.percentile(50)));
        node.put("p99Ms", round(stats.percentile(99)));
        node.put("maxMs", round(stats.max()));
    }

    private static double round(double value) {
        return Math.round(value * 10) / 10.0;
    }

    @SafeVarargs
    private static List<String> concat(List<String>... lists) {
        List<String> all = new ArrayList<>();
        for (List<String> list : lists) {
            all.addAll(list);
        }
        return all;
    }
}
