package dev.switchboard.bench;

import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Event fan-out: Switchboard's SSE streams against nginx + Nchan, on the same machine, with the
 * same load from this process (a separate process from either server).
 *
 * <p>For each stream count: start the server; open the streams, each following one of
 * {@code --topics} topics (round robin); measure memory idle; publish {@code --rate} events/s
 * spread over the topics, first for {@code --warmup} seconds unrecorded, then for
 * {@code --seconds}; report events delivered per second against the expected number, the
 * publish-to-receive latency, and memory per open stream. Results go to stdout and
 * {@code --results}/fanout-&lt;time&gt;.json.
 */
public final class FanoutBenchmark {

    private static final JsonMapper JSON = JsonMapper.shared();

    /** A server under test. */
    interface Server extends AutoCloseable {
        String name();

        InetSocketAddress address();

        String streamPath(String topic);

        /** The path events for {@code topic} are POSTed to. */
        String publishPath(String topic);

        /** Resident memory of the server's processes, in bytes. */
        long residentBytes() throws IOException;

        /** Heap in use after a full collection, in bytes, or -1 when the server has no heap. */
        long heapBytes() throws IOException, InterruptedException;

        @Override
        void close() throws Exception;
    }

    private final int rate;
    private final int topics;
    private final int warmup;
    private final int seconds;

    private FanoutBenchmark(int rate, int topics, int warmup, int seconds) {
        this.rate = rate;
        this.topics = topics;
        this.warmup = warmup;
        this.seconds = seconds;
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            options.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        List<Integer> sizes = Arrays.stream(options.getOrDefault("streams", "1000,5000,10000").split(",")).map(Integer::parseInt).toList();
        FanoutBenchmark benchmark = new FanoutBenchmark(
                Integer.parseInt(options.getOrDefault("rate", "1000")),
                Integer.parseInt(options.getOrDefault("topics", "100")),
                Integer.parseInt(options.getOrDefault("warmup", "5")),
                Integer.parseInt(options.getOrDefault("seconds", "20")));
        Path distribution = Path.of(options.getOrDefault("distribution", "distribution/target/switchboard"));
        Path results = Path.of(options.getOrDefault("results", "bench/results"));
        List<String> peers = List.of(options.getOrDefault("servers", "switchboard,nchan").split(","));

        ObjectNode report = JSON.createObjectNode();
        report.put("date", Instant.now().toString());
        report.put("java", Runtime.version().toString());
        report.put("cpus", Runtime.getRuntime().availableProcessors());
        report.put("ratePerSecond", benchmark.rate);
        report.put("topics", benchmark.topics);
        report.put("measuredSeconds", benchmark.seconds);
        ArrayNode runs = report.putArray("runs");
        for (int streams : sizes) {
            for (String peer : peers) {
                Path work = Files.createTempDirectory("fanout-" + peer + "-");
                try (Server server = switch (peer) {
                    case "switchboard" -> SwitchboardServer.start(distribution, work, benchmark.topicNames(), streams);
                    case "nchan" -> NchanServer.start(work);
                    default -> throw new IllegalArgumentException("unknown server " + peer);
                }) {
                    ObjectNode run = benchmark.run(server, streams);
                    runs.add(run);
                    System.out.println(run);
                }
            }
        }
        Files.createDirectories(results);
        Path file = results.resolve("fanout-" + Instant.now().toString().replace(':', '-').substring(0, 19) + ".json");
        Files.writeString(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(report));
        System.out.println("Results: " + file);
    }

    private List<String> topicNames() {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < topics; i++) {
            names.add("bench." + i);
        }
        return names;
    }

    private ObjectNode run(Server server, int streams) throws Exception {
        System.out.printf("%s: %d streams, %d events/s over %d topics%n", server.name(), streams, rate, topics);
        ObjectNode run = JSON.createObjectNode();
        run.put("server", server.name());
        run.put("streams", streams);
        long heapBefore = server.heapBytes();
        long rssBefore = server.residentBytes();
        try (SseLoadClient client = new SseLoadClient()) {
            List<String> paths = topicNames().stream().map(server::streamPath).toList();
            long connectStart = System.nanoTime();
            client.connect(server.address(), paths, "", streams);
            if (!client.awaitOpen(streams, 120_000)) {
                throw new IllegalStateException("only " + client.open() + " of " + streams + " streams opened");
            }
            run.put("connectSeconds", (System.nanoTime() - connectStart) / 1e9);
            Thread.sleep(2000);
            long heapIdle = server.heapBytes();
            long rssIdle = server.residentBytes();
            if (heapBefore >= 0) {
                run.put("heapPerStreamBytes", (heapIdle - heapBefore) / streams);
            }
            run.put("rssPerStreamBytes", (rssIdle - rssBefore) / streams);

            publish(server, warmup, new AtomicLong(), null);
            Thread.sleep(1000);
            client.takeSamples();
            long eventsBefore = client.events();
            client.record(true);
            AtomicLong failed = new AtomicLong();
            long[] publishTimes = new long[rate * seconds];
            long published = publish(server, seconds, failed, publishTimes);
            Thread.sleep(2000);
            client.record(false);
            long delivered = client.events() - eventsBefore;
            long[] samples = client.takeSamples();
            Arrays.sort(samples);
            long expected = published * streams / topics;
            run.put("published", published);
            run.put("publishFailures", failed.get());
            run.put("delivered", delivered);
            run.put("expected", expected);
            run.put("deliveredPerSecond", delivered / (double) seconds);
            run.put("latencyP50Ms", percentile(samples, 50) / 1000.0);
            run.put("latencyP99Ms", percentile(samples, 99) / 1000.0);
            run.put("latencyMaxMs", samples.length == 0 ? -1 : samples[samples.length - 1] / 1000.0);
            run.put("streamsClosedByServer", client.closed());
            Arrays.sort(publishTimes);
            run.put("publishResponseP50Ms", percentile(publishTimes, 50) / 1000.0);
            run.put("publishResponseP99Ms", percentile(publishTimes, 99) / 1000.0);
        }
        return run;
    }

    /**
     * Publishes {@code rate} events per second for {@code duration} seconds, round robin over the
     * topics; records each publish request's response time (microseconds) in {@code times} when given.
     */
    private long publish(Server server, int duration, AtomicLong failed, long[] times) throws InterruptedException {
        List<String> paths = topicNames().stream().map(server::publishPath).toList();
        return new RawPublisher(server.address(), 4).run(rate, duration, (n, nanoTime) -> new String[] {
                paths.get((int) (n % paths.size())),
                "{\"type\":\"bench\",\"data\":{\"t\":" + nanoTime + ",\"n\":" + n + "}}"}, times, failed);
    }

    private static long percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return -1;
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    static void awaitHttp(URI uri, Duration timeout) throws InterruptedException {
        HttpClient client = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (client.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.discarding()).statusCode() < 500) {
                    return;
                }
            } catch (IOException e) {
                // Not up yet.
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException(uri + " did not answer within " + timeout.toSeconds() + " s");
    }

    /** VmRSS of one process, from /proc. */
    static long rss(long pid) throws IOException {
        return procField(Path.of("/proc", Long.toString(pid), "status"), "VmRSS:");
    }

    /** Proportional set size of one process (shared pages split between their users), from /proc. */
    static long pss(long pid) throws IOException {
        return procField(Path.of("/proc", Long.toString(pid), "smaps_rollup"), "Pss:");
    }

    private static long procField(Path file, String field) throws IOException {
        for (String line : Files.readAllLines(file)) {
            if (line.startsWith(field)) {
                return Long.parseLong(line.substring(field.length()).replace("kB", "").strip()) * 1024;
            }
        }
        throw new IOException(field + " not found in " + file);
    }
}
