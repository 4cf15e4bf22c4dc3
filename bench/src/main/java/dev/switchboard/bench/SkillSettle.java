package dev.switchboard.bench;

import dev.switchboard.api.SkillException;
import dev.switchboard.runtime.skills.SkillRegistry;
import org.HdrHistogram.Histogram;
import tools.jackson.databind.JsonNode;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * How a GraalPy skill settles after load: {@code SkillSettle <seed skills dir> <workload> <seconds> <threads>}
 * calls the skill uncached from {@code threads} platform threads for {@code seconds} and prints, for
 * every 10 s window, the CPU each group of threads used (in cores, from {@code /proc/self/task}: C1,
 * C2, Truffle's compiler, the skill threads, the callers, GC) and the calls' p50/p99/p99.9. It
 * shows when the compile queue is empty, which {@link PythonSkillLoad}'s single window cannot.
 * A skill thread that ends takes its CPU ticks with it, so a window in which the cached pool
 * retired one shows less skill CPU than was used. Run by {@code bench/skill-settle.sh}.
 */
public final class SkillSettle {

    private static final int WINDOW_SECONDS = 10;
    /** Latencies are recorded up to a minute (3 significant digits); a longer call counts as a minute. */
    private static final long MAX_NANOS = 60_000_000_000L;

    public static void main(String[] args) throws Exception {
        Path seeds = Path.of(args[0]);
        String workload = args[1];
        String skill = Workloads.skill(workload);
        int windows = Integer.parseInt(args[2]) / WINDOW_SECONDS;
        int threads = Integer.parseInt(args[3]);

        Path dir = Workloads.uncachedCopy(seeds, workload);
        JsonNode input = Workloads.input(seeds, workload);

        long loadStart = System.nanoTime();
        try (SkillRegistry registry = Workloads.registry(dir, threads)) {
            registry.reload();
            System.out.printf("%s loaded in %d ms, jit=%s%n", skill, (System.nanoTime() - loadStart) / 1_000_000,
                    registry.runtimes().get("python").get("jit"));
            long start = System.nanoTime();
            long window = WINDOW_SECONDS * 1_000_000_000L;
            // Fixed-size histograms, made before the calls start: growing sample arrays were
            // humongous allocations that set off G1 marking cycles in the measured windows.
            Histogram[][] latencies = new Histogram[threads][windows];
            for (Histogram[] mine : latencies) {
                Arrays.setAll(mine, w -> new Histogram(MAX_NANOS, 3));
            }
            AtomicIntegerArray timeouts = new AtomicIntegerArray(windows);
            List<Thread> callers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int me = t;
                callers.add(Thread.ofPlatform().name("caller-" + t).start(() -> {
                    long end = start + windows * window;
                    long now;
                    while ((now = System.nanoTime()) < end) {
                        int w = (int) ((now - start) / window);
                        try {
                            registry.invoke(skill, input);
                        } catch (SkillException e) {
                            if (e.kind() != SkillException.Kind.TIMEOUT) {
                                throw e;
                            }
                            timeouts.incrementAndGet(w);
                        }
                        latencies[me][w].recordValue(Math.min(System.nanoTime() - now, MAX_NANOS));
                    }
                }));
            }
            Map<String, Long> before = ThreadCpu.ticks();
            for (int w = 0; w < windows; w++) {
                PythonSkillLoad.sleepUntil(start + (w + 1) * window);
                Map<String, Long> after = ThreadCpu.ticks();
                StringBuilder line = new StringBuilder();
                ThreadCpu.cores(before, after, WINDOW_SECONDS).forEach((group, cores) -> line.append(String.format(" %s=%.2f", group, cores)));
                before = after;
                System.out.printf("cpu %3d-%3ds:%s%n", w * WINDOW_SECONDS, (w + 1) * WINDOW_SECONDS, line);
            }
            for (Thread caller : callers) {
                caller.join();
            }
            for (int w = 0; w < windows; w++) {
                Histogram all = new Histogram(MAX_NANOS, 3);
                for (int t = 0; t < threads; t++) {
                    all.add(latencies[t][w]);
                }
                System.out.printf("win %3d-%3ds calls=%7d p50=%8.1fus p99=%9.1fus p99.9=%9.1fus timeouts=%d%n",
                        w * WINDOW_SECONDS, (w + 1) * WINDOW_SECONDS, all.getTotalCount(), percentile(all, 50),
                        percentile(all, 99), percentile(all, 99.9), timeouts.get(w));
            }
        }
        System.exit(0);
    }

    /** In microseconds; NaN for a window without calls. */
    private static double percentile(Histogram histogram, double p) {
        return histogram.getTotalCount() == 0 ? Double.NaN : histogram.getValueAtPercentile(p) / 1e3;
    }
}
