package dev.switchboard.bench;

import dev.switchboard.api.SkillException;
import dev.switchboard.runtime.skills.SkillRegistry;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * One seed skill under GraalPy, uncached, through the same invokeSkill path every caller takes:
 * {@code PythonSkillLoad <seed skills dir> <skill> <warm s> <measure s> <threads>}. Started in
 * its own JVM by {@link SkillBenchmark}, with or without the JIT flags; prints one JSON line with
 * the cold start (JVM start to loaded, loaded to first result) and the steady-state latencies.
 *
 * <p>It also says what the compilers did in the measured window, so that a window that still holds
 * compilations is seen as such: the cores each compiler's threads used (C1, C2, Truffle's), and,
 * when {@code -Dbench.compileLog} names the file that {@code -Dpolyglot.log.file} sends Truffle's
 * {@code engine.TraceCompilation} lines to, how many compilations finished, failed, were
 * invalidated or deoptimized in it.
 */
public final class PythonSkillLoad {

    private static final String OPT = "[engine] opt ";

    public static void main(String[] args) throws Exception {
        Path seeds = Path.of(args[0]);
        String workload = args[1];
        String skill = Workloads.skill(workload);
        double warm = Double.parseDouble(args[2]);
        double measure = Double.parseDouble(args[3]);
        int threads = Integer.parseInt(args[4]);
        long jvmStart = ManagementFactory.getRuntimeMXBean().getStartTime();
        String logName = System.getProperty("bench.compileLog");
        Path compileLog = logName == null ? null : Path.of(logName);

        Path dir = Workloads.uncachedCopy(seeds, workload);
        JsonNode input = Workloads.input(seeds, workload);

        long loadStart = System.nanoTime();
        try (SkillRegistry registry = Workloads.registry(dir, threads)) {
            registry.reload();
            if (registry.view(skill).map(v -> v.status() != dev.switchboard.runtime.skills.SkillView.Status.READY).orElse(true)) {
                throw new IllegalStateException(skill + " did not load: " + registry.rejected());
            }
            long loaded = System.nanoTime();
            long loadedAt = System.currentTimeMillis();
            LongAdder timeouts = new LongAdder();
            invoke(registry, skill, input, timeouts);
            long first = System.nanoTime();

            long warmEnd = System.nanoTime() + (long) (warm * 1e9);
            long measureEnd = warmEnd + (long) (measure * 1e9);
            List<long[]> perThread = new ArrayList<>();
            List<Thread> workers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                Thread worker = Thread.ofPlatform().name("caller-" + t).start(() -> {
                    // Room for about 100 000 calls/s for 10 s, made before the warm-up: a doubling in the
                    // measured window is a humongous allocation, which sets off a G1 marking cycle there.
                    long[] samples = new long[1 << 20];
                    int n = 0;
                    while (System.nanoTime() < warmEnd) {
                        invoke(registry, skill, input, null);
                    }
                    long now;
                    while ((now = System.nanoTime()) < measureEnd) {
                        invoke(registry, skill, input, timeouts);
                        if (n == samples.length) {
                            samples = java.util.Arrays.copyOf(samples, n * 2);
                        }
                        samples[n++] = System.nanoTime() - now;
                    }
                    long[] measured = java.util.Arrays.copyOf(samples, n);
                    synchronized (perThread) {
                        perThread.add(measured);
                    }
                });
                workers.add(worker);
            }
            sleepUntil(warmEnd);
            Map<String, Long> cpuBefore = ThreadCpu.ticks();
            long logBefore = compileLog == null || !Files.exists(compileLog) ? 0 : Files.size(compileLog);
            sleepUntil(measureEnd);
            Map<String, Long> cpuAfter = ThreadCpu.ticks();
            Map<String, Integer> events = truffleEvents(compileLog, logBefore);
            for (Thread worker : workers) {
                worker.join();
            }
            ObjectNode result = JsonMapper.shared().createObjectNode();
            result.put("skill", skill);
            result.put("workload", workload);
            result.put("eventsPerCall", Workloads.events(workload));
            result.put("jit", Boolean.TRUE.equals(registry.runtimes().get("python").get("jit")));
            result.put("jvmStartToLoadedMillis", loadedAt - jvmStart);
            result.put("loadMillis", TimeUnit.NANOSECONDS.toMillis(loaded - loadStart));
            result.put("firstCallMillis", (first - loaded) / 1e6);
            result.put("threads", threads);
            latencies(result, perThread, measure);
            // Calls past the skill's own timeout (the first call's included): measured at the timeout, and counted here.
            result.put("timeouts", timeouts.sum());
            ObjectNode window = result.putObject("measuredWindow");
            ObjectNode compilerCores = window.putObject("compilerCores");
            ThreadCpu.cores(cpuBefore, cpuAfter, measure).forEach((group, cores) -> {
                if (group.equals("C1") || group.equals("C2") || group.equals("truffle-compiler")) {
                    compilerCores.put(group, Math.round(cores * 100) / 100.0);
                }
            });
            if (compileLog != null) {
                ObjectNode counted = window.putObject("truffleCompilationEvents");
                events.forEach(counted::put);
            }
            System.out.println("RESULT " + result);
        }
        System.exit(0);
    }

    /** One call; a call past the skill's timeout is counted in {@code timeouts} (when given) rather than ending the run. */
    private static void invoke(SkillRegistry registry, String skill, JsonNode input, LongAdder timeouts) {
        try {
            registry.invoke(skill, input);
        } catch (SkillException e) {
            if (e.kind() != SkillException.Kind.TIMEOUT) {
                throw e;
            }
            if (timeouts != null) {
                timeouts.increment();
            }
        }
    }

    /** Sleeps until {@code System.nanoTime()} reaches {@code nanoTime}. */
    static void sleepUntil(long nanoTime) throws InterruptedException {
        long left;
        while ((left = nanoTime - System.nanoTime()) > 0) {
            Thread.sleep(Math.max(1, left / 1_000_000));
        }
    }

    /**
     * The {@code engine.TraceCompilation} lines written to {@code log} after its first {@code from}
     * bytes, by kind: the word after {@code [engine] opt} ({@code done}, {@code failed},
     * {@code inval.}, {@code deopt}, ...). Empty without a log.
     */
    private static Map<String, Integer> truffleEvents(Path log, long from) throws IOException {
        Map<String, Integer> events = new TreeMap<>();
        if (log == null || !Files.exists(log)) {
            return events;
        }
        try (var in = Files.newInputStream(log);
             var lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            in.skipNBytes(from);
            String line;
            while ((line = lines.readLine()) != null) {
                int at = line.indexOf(OPT);
                if (at >= 0) {
                    String rest = line.substring(at + OPT.length()).stripLeading();
                    int space = rest.indexOf(' ');
                    events.merge(space < 0 ? rest : rest.substring(0, space), 1, Integer::sum);
                }
            }
        }
        return events;
    }

    /** Adds calls, seconds, calls/s and p50/p99 (µs) of the per-thread samples (ns) measured over {@code seconds}. */
    static ObjectNode latencies(ObjectNode into, List<long[]> perThread, double seconds) {
        long[] all = perThread.stream().flatMapToLong(java.util.Arrays::stream).sorted().toArray();
        into.put("calls", all.length);
        into.put("seconds", seconds);
        into.put("callsPerSecond", all.length / seconds);
        into.put("p50Micros", percentile(all, 50) / 1e3);
        into.put("p99Micros", percentile(all, 99) / 1e3);
        return into;
    }

    private static long percentile(long[] sorted, double p) {
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }
}
