package dev.switchboard.bench;

import dev.switchboard.testkit.PluginJarBuilder;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The performance plugin's cost on the request path, in one run against Switchboard's
 * distribution: (1) a small JSON route on two servers running at once, one without the plugin,
 * one with it (metrics, request timing, Server-Timing; compression off), taking turns for three
 * rounds, requests per second and latency at concurrency 16 and 64, the median round's ratio to
 * the route without the plugin; (2) on a third server with compression on, a
 * 16 KB JSON route asked for with no {@code Accept-Encoding}, gzip, br and zstd: requests per
 * second, bytes per response, and the server's CPU per request (from {@code /proc}), each against
 * the uncompressed answer.
 *
 * <pre>
 * ./mvnw -B -ntp -DskipTests install && ./mvnw -B -ntp -Pbench-performance -pl bench verify
 * </pre>
 */
public final class PerformanceBenchmark {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final int[] CONCURRENCY = {16, 64};
    /** Linux counts process CPU in clock ticks of 1/100 s. */
    private static final double TICKS_PER_SECOND = 100.0;

    public static void main(String[] args) throws Exception {
        Map<String, String> options = BenchReports.options(args);
        Path distribution = Path.of(options.get("distribution"));
        Path results = Path.of(options.get("results"));
        Duration warmup = Duration.ofSeconds(Long.parseLong(options.getOrDefault("warmup-seconds", "5")));
        Duration measure = Duration.ofSeconds(Long.parseLong(options.getOrDefault("seconds", "10")));

        ObjectNode report = BenchReports.report(warmup, measure);

        // Both servers run at once and take turns, three rounds each, so neither is measured colder
        // or on a quieter machine than the other; the median round is reported.
        ObjectNode overhead = report.putObject("requestPath");
        try (Server bare = Server.start(distribution, false, List.of());
             Server measured = Server.start(distribution, true, List.of("performance.compression.enabled=false"))) {
            Map<String, Server> servers = new LinkedHashMap<>();
            servers.put("without the plugin", bare);
            servers.put("metrics, timing, Server-Timing", measured);
            for (Server server : servers.values()) {
                ClosedLoop.run(server.get("/api/bench/small", null), 16, warmup.multipliedBy(2));
            }
            for (int clients : CONCURRENCY) {
                ObjectNode cell = overhead.putObject("concurrency " + clients);
                Map<String, List<Measured>> rounds = new LinkedHashMap<>();
                for (int round = 0; round < ROUNDS; round++) {
                    for (Map.Entry<String, Server> server : servers.entrySet()) {
                        rounds.computeIfAbsent(server.getKey(), k -> new ArrayList<>())
                                .add(measure(server.getValue(), server.getValue().get("/api/bench/small", null), clients, warmup, measure));
                    }
                }
                double baseline = 0;
                for (Map.Entry<String, List<Measured>> named : rounds.entrySet()) {
                    Measured median = median(named.getValue());
                    ObjectNode row = median.write(cell.putObject(named.getKey()));
                    row.putPOJO("roundsRequestsPerSecond", named.getValue().stream().map(m -> Math.round(m.result().perSecond())).toList());
                    if (baseline == 0) {
                        baseline = median.result().perSecond();
                    } else {
                        row.put("ratioToWithout", round(median.result().perSecond() / baseline));
                    }
                    System.out.printf("c=%d %-32s median %8.0f req/s  %s  rounds %s%n", clients, named.getKey(), median.result().perSecond(),
                            median.result().latency(), row.get("roundsRequestsPerSecond"));
                }
            }
        }

        ObjectNode compression = report.putObject("compression");
        try (Server compressing = Server.start(distribution, true, List.of())) {
            double identity = 0;
            double identityCpu = 0;
            long identityBytes = 0;
            for (String encoding : new String[] {null, "gzip", "br", "zstd"}) {
                HttpRequest request = compressing.get("/api/bench/large", encoding);
                HttpResponse<byte[]> one = compressing.client.send(request, HttpResponse.BodyHandlers.ofByteArray());
                if (one.statusCode() != 200) {
                    throw new IllegalStateException("/api/bench/large answered " + one.statusCode());
                }
                String applied = one.headers().firstValue("Content-Encoding").orElse("identity");
                if (!applied.equals(encoding == null ? "identity" : encoding)) {
                    throw new IllegalStateException("asked for " + encoding + ", got " + applied);
                }
                List<Measured> rounds = new ArrayList<>();
                for (int round = 0; round < ROUNDS; round++) {
                    rounds.add(measure(compressing, request, 16, warmup, measure));
                }
                Measured median = median(rounds);
                ClosedLoop.Result result = median.result();
                double cpuMicrosPerRequest = median.cpuMicrosPerRequest();
                if (encoding == null) {
                    identity = result.perSecond();
                    identityCpu = cpuMicrosPerRequest;
                    identityBytes = one.body().length;
                }
                ObjectNode row = median.write(compression.putObject(applied));
                row.putPOJO("roundsRequestsPerSecond", rounds.stream().map(m -> Math.round(m.result().perSecond())).toList());
                row.put("bytesPerResponse", one.body().length);
                row.put("ratioOfBytes", round((double) one.body().length / identityBytes));
                row.put("extraCpuMicrosPerKilobyteSaved", identityBytes == one.body().length ? 0
                        : round((cpuMicrosPerRequest - identityCpu) / ((identityBytes - one.body().length) / 1024.0)));
                row.put("ratioToIdentity", round(result.perSecond() / identity));
                System.out.printf("%-8s %8.0f req/s  %6d bytes  %7.1f µs CPU/request  %s%n", applied, result.perSecond(), one.body().length,
                        cpuMicrosPerRequest, result.latency());
            }
        }

        BenchReports.write(results, "performance", report);
    }

    private static final int ROUNDS = 3;

    /** One round: a closed loop's result and the server's CPU per request. */
    private record Measured(ClosedLoop.Result result, double cpuMicrosPerRequest) {
        ObjectNode write(ObjectNode row) {
            row.put("requestsPerSecond", Math.round(result.perSecond()));
            row.put("p50Ms", round(result.latency().percentile(50)));
            row.put("p99Ms", round(result.latency().percentile(99)));
            row.put("serverCpuMicrosPerRequest", round(cpuMicrosPerRequest));
            row.put("errors", result.errors());
            return row;
        }
    }

    private static Measured measure(Server server, HttpRequest request, int clients, Duration warmup, Duration measure) throws Exception {
        ClosedLoop.run(request, clients, warmup);
        long cpuBefore = server.cpuTicks();
        ClosedLoop.Result result = ClosedLoop.run(request, clients, measure);
        double cpuSeconds = (server.cpuTicks() - cpuBefore) / TICKS_PER_SECOND;
        return new Measured(result, cpuSeconds * 1e6 / (result.perSecond() * measure.toSeconds()));
    }

    private static Measured median(List<Measured> rounds) {
        List<Measured> sorted = new ArrayList<>(rounds);
        sorted.sort(java.util.Comparator.comparingDouble(m -> m.result().perSecond()));
        return sorted.get(sorted.size() / 2);
    }

    /** One Switchboard of the distribution, with the bench-json plugin, and the performance plugin or not. */
    private static final class Server implements AutoCloseable {
        private final Process process;
        private final URI base;
        private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

        private Server(Process process, URI base) {
            this.process = process;
            this.base = base;
        }

        static Server start(Path distribution, boolean performance, List<String> settings) throws Exception {
            Path work = Files.createTempDirectory("performance-bench-");
            Path plugins = Files.createDirectories(work.resolve("plugins"));
            if (performance) {
                Files.copy(distribution.resolve("plugins/performance-plugin.jar"), plugins.resolve("performance-plugin.jar"),
                        StandardCopyOption.REPLACE_EXISTING);
            }
            PluginJarBuilder.plugin("bench-json", "1.0.0").requires(">=0.1.0").source("""
                    package bench;

                    import dev.switchboard.api.*;
                    import jakarta.ws.rs.*;
                    import org.pf4j.Extension;

                    @Extension
                    public class BenchJson implements SwitchboardPlugin {
                        private static final String LARGE;
                        static {
                            StringBuilder json = new StringBuilder("[");
                            for (int i = 0; i < 400; i++) {
                                json.append(i == 0 ? "" : ",").append("{\\"id\\":").append(i)
                                        .append(",\\"student\\":\\"student-").append(i % 37).append("\\",\\"mastery\\":0.").append(i % 100).append("}");
                            }
                            LARGE = json.append("]").toString();
                        }

                        @Override
                        public void start(Platform platform) {
                            platform.jaxrs(new Route());
                        }

                        @Path("/api/bench")
                        public static class Route {
                            @GET
                            @Path("/small")
                            @Produces("application/json")
                            public String small() {
                                return "{\\"ok\\":true,\\"items\\":[1,2,3]}";
                            }

                            @GET
                            @Path("/large")
                            @Produces("application/json")
                            public String large() {
                                return LARGE;
                            }
                        }
                    }
                    """).build(plugins);
            int port = FanoutBenchmark.freePort();
            List<String> command = new ArrayList<>(List.of(distribution.resolve("bin/switchboard").toString(), "run", "--port", Integer.toString(port),
                    "--plugins-dir", plugins.toString(), "--skills-dir", Files.createDirectories(work.resolve("skills")).toString()));
            for (String setting : settings) {
                command.add("--set");
                command.add(setting);
            }
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(work.resolve("switchboard.log").toFile());
            builder.environment().put("SWITCHBOARD_OPTS", "-Xmx1g");
            Process process = builder.start();
            URI base = URI.create("http://127.0.0.1:" + port);
            Server server = new Server(process, base);
            server.awaitOk("/api/bench/small");
            server.awaitOk("/api/bench/large");
            return server;
        }

        /** Until {@code path} answers 200: the port opens before the plugins are loaded. */
        void awaitOk(String path) throws Exception {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (true) {
                try {
                    if (client.send(get(path, null), HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                        return;
                    }
                } catch (IOException e) {
                    // Not listening yet.
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(base.resolve(path) + " did not answer 200 within 60 s");
                }
                Thread.sleep(50);
            }
        }

        HttpRequest get(String path, String acceptEncoding) {
            HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path));
            if (acceptEncoding != null) {
                request.header("Accept-Encoding", acceptEncoding);
            }
            return request.build();
        }

        /** The server's CPU so far (user and system, its JVM's and every child's), in clock ticks. */
        long cpuTicks() throws IOException {
            long ticks = 0;
            for (ProcessHandle handle : java.util.stream.Stream.concat(java.util.stream.Stream.of(process.toHandle()),
                    process.toHandle().descendants()).toList()) {
                String stat = Files.readString(Path.of("/proc/" + handle.pid() + "/stat"));
                String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                ticks += Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
            }
            return ticks;
        }

        @Override
        public void close() throws InterruptedException {
            client.close();
            process.toHandle().descendants().forEach(ProcessHandle::destroy);
            process.destroy();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }

    private static double round(double value) {
        return Math.round(value * 100) / 100.0;
    }
}
