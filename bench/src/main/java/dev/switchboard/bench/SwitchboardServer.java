package dev.switchboard.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The Switchboard distribution, run by its launcher as operators run it, with the benchmark's topics and limits. */
final class SwitchboardServer implements FanoutBenchmark.Server {

    private static final Pattern HEAP_USED = Pattern.compile("used (\\d+)K");

    private final Process process;
    private final int port;
    private final Path javaHome = Path.of(System.getProperty("java.home"));

    private SwitchboardServer(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    static SwitchboardServer start(Path distribution, Path work, List<String> topics, int streams) throws IOException, InterruptedException {
        int port = FanoutBenchmark.freePort();
        int cap = Math.max(streams + 100, 20000);
        ProcessBuilder builder = new ProcessBuilder(distribution.resolve("bin/switchboard").toString(), "run",
                "--port", Integer.toString(port),
                "--plugins-dir", work.resolve("plugins").toString(),
                "--set", "events.topics=" + String.join(",", topics),
                "--set", "events.streams.max_per_principal=" + cap,
                "--set", "events.streams.max_total=" + cap)
                .redirectErrorStream(true)
                .redirectOutput(work.resolve("switchboard.log").toFile());
        // FANOUT_SWITCHBOARD_OPTS adds JVM options, e.g. a flight recording while profiling.
        builder.environment().put("SWITCHBOARD_OPTS", ("-Xmx2g " + System.getenv().getOrDefault("FANOUT_SWITCHBOARD_OPTS", "")).strip());
        Process process = builder.start();
        FanoutBenchmark.awaitHttp(URI.create("http://127.0.0.1:" + port + "/health/ready"), Duration.ofSeconds(60));
        return new SwitchboardServer(process, port);
    }

    @Override
    public String name() {
        return "switchboard";
    }

    @Override
    public InetSocketAddress address() {
        return new InetSocketAddress("127.0.0.1", port);
    }

    @Override
    public String streamPath(String topic) {
        return "/api/events/stream?topics=" + topic;
    }

    @Override
    public String publishPath(String topic) {
        return "/api/events/" + topic;
    }

    @Override
    public long residentBytes() throws IOException {
        return FanoutBenchmark.rss(process.pid());
    }

    @Override
    public long heapBytes() throws IOException, InterruptedException {
        jcmd("GC.run");
        Matcher used = HEAP_USED.matcher(jcmd("GC.heap_info"));
        if (!used.find()) {
            throw new IOException("cannot read the heap size from jcmd GC.heap_info");
        }
        return Long.parseLong(used.group(1)) * 1024;
    }

    private String jcmd(String command) throws IOException, InterruptedException {
        Process jcmd = new ProcessBuilder(javaHome.resolve("bin/jcmd").toString(), Long.toString(process.pid()), command)
                .redirectErrorStream(true).start();
        String out = new String(jcmd.getInputStream().readAllBytes());
        jcmd.waitFor(30, TimeUnit.SECONDS);
        return out;
    }

    @Override
    public void close() throws Exception {
        process.toHandle().destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
