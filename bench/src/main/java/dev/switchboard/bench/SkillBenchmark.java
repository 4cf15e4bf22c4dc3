package dev.switchboard.bench;

import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The skill benchmarks ({@code ./mvnw -B -ntp -DskipTests -Pbench-skills verify}):
 * <ol>
 *   <li>JMH: a cached invokeSkill hit next to a bare Caffeine getIfPresent;</li>
 *   <li>each seed skill uncached on 2 threads: GraalPy with the JIT and interpreter-only (each in
 *       a fresh JVM, with its cold start), the bare function under CPython in a loop (2
 *       processes), and a long-lived CPython worker per thread answering JSON lines;</li>
 *   <li>the floor: {@code bench/skills/python-floor}, a Python skill that answers a constant,
 *       the same way (GraalPy with the JIT, uncached, 2 threads): what the path around any Python
 *       skill costs in this run.</li>
 * </ol>
 * Prints a summary and writes {@code bench/results/skills-<time>.json}.
 */
public final class SkillBenchmark {

    private static final JsonMapper JSON = JsonMapper.shared();
    private static final String[] WORKLOADS = {"sse-handler", "monaco-config", Workloads.BATCH};
    private static final int THREADS = 2;
    /** bench/skills/python-floor: answers a constant, so its calls cost only the path around a Python skill. */
    private static final String FLOOR = "python-floor";

    public static void main(String[] args) throws Exception {
        Path results = Path.of(arg(args, "--results"));
        Path seeds = Path.of(arg(args, "--skills")).toAbsolutePath().normalize();
        Path dist = Path.of(arg(args, "--distribution")).toAbsolutePath().normalize();
        Path python = Path.of(arg(args, "--python-scripts")).toAbsolutePath().normalize();
        Path floor = Path.of(arg(args, "--floor-skills")).toAbsolutePath().normalize();
        double jitWarm = Double.parseDouble(System.getProperty("bench.jitWarmSeconds", "180"));
        double warm = Double.parseDouble(System.getProperty("bench.warmSeconds", "10"));
        double measure = Double.parseDouble(System.getProperty("bench.measureSeconds", "10"));
        // The floor skill's few functions are compiled within about 30 s of load under this load.
        double floorWarm = Double.parseDouble(System.getProperty("bench.floorWarmSeconds", "60"));

        ObjectNode report = JSON.createObjectNode();
        report.put("java", Runtime.version().toString());
        report.put("cores", Runtime.getRuntime().availableProcessors());
        report.set("cachedInvoke", jmh(seeds));

        ArrayNode skills = report.putArray("skills");
        for (String skill : WORKLOADS) {
            ObjectNode entry = skills.addObject();
            entry.put("skill", skill);
            entry.set("graalpyJit", graalpy(dist, seeds, skill, true, jitWarm, measure));
            entry.set("graalpyInterpreter", graalpy(dist, seeds, skill, false, warm, measure));
            entry.set("cpythonLoop", cpythonLoop(python, seeds, skill, warm, measure));
            entry.set("cpythonJsonLinesWorker", cpythonWorker(python, seeds, skill, warm, measure));
            System.out.println(skill + ": " + entry);
        }
        report.set("pythonFloor", graalpy(dist, floor, FLOOR, true, floorWarm, measure));
        System.out.println(FLOOR + ": " + report.get("pythonFloor"));

        Files.createDirectories(results);
        Path file = results.resolve("skills-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH-mm-ss")) + ".json");
        Files.writeString(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(report));
        System.out.println("Results written to " + file);
    }

    private static JsonNode jmh(Path seeds) throws Exception {
        System.setProperty("switchboard.skills", seeds.toString());
        var options = new OptionsBuilder()
                .include(CachedInvokeBenchmark.class.getName())
                .forks(1)
                .jvmArgsAppend("-Dswitchboard.skills=" + seeds, "--enable-native-access=ALL-UNNAMED",
                        "--sun-misc-unsafe-memory-access=allow", "-Dlogback.configurationFile=" + System.getProperty("logback.configurationFile"))
                .warmupIterations(3).warmupTime(TimeValue.seconds(2))
                .measurementIterations(5).measurementTime(TimeValue.seconds(2))
                .threads(1)
                .build();
        ObjectNode out = JSON.createObjectNode();
        for (RunResult result : new Runner(options).run()) {
            String name = result.getParams().getBenchmark();
            var primary = result.getPrimaryResult();
            ObjectNode bench = out.putObject(name.substring(name.lastIndexOf('.') + 1));
            bench.put("nanosPerCall", primary.getScore());
            bench.put("error", primary.getScoreError());
        }
        double ours = out.get("cachedInvokeSkill").get("nanosPerCall").doubleValue();
        double bare = out.get("bareCaffeineGetIfPresent").get("nanosPerCall").doubleValue();
        out.put("ratio", ours / bare);
        return out;
    }

    /** The skill in a fresh JVM, as bin/switchboard starts it (with lib/jit) or interpreter-only. */
    private static JsonNode graalpy(Path dist, Path seeds, String skill, boolean jit, double warm, double measure) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx1g", "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow",
                "-Dlogback.configurationFile=" + System.getProperty("logback.configurationFile")));
        Path compileLog = jit ? Files.createTempFile("bench-truffle-", ".log") : null;
        if (jit) {
            command.addAll(List.of("-XX:+UnlockExperimentalVMOptions", "-XX:+EnableJVMCI", "--upgrade-module-path=" + dist.resolve("lib/jit"),
                    // One line per compilation, invalidation and deoptimization, counted in the measured window.
                    "-Dpolyglot.engine.TraceCompilation=true", "-Dpolyglot.log.file=" + compileLog, "-Dbench.compileLog=" + compileLog));
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), PythonSkillLoad.class.getName(),
                seeds.toString(), skill, Double.toString(warm), Double.toString(measure), Integer.toString(THREADS)));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        JsonNode result = null;
        try (BufferedReader out = process.inputReader(StandardCharsets.UTF_8)) {
            String line;
            while ((line = out.readLine()) != null) {
                if (line.startsWith("RESULT ")) {
                    result = JSON.readTree(line.substring(7));
                } else {
                    System.out.println("  [" + skill + (jit ? " jit] " : " interpreter] ") + line);
                }
            }
        }
        if (compileLog != null) {
            Files.delete(compileLog);
        }
        if (process.waitFor() != 0 || result == null) {
            throw new IllegalStateException("the GraalPy run of " + skill + " failed");
        }
        if (result.get("jit").booleanValue() != jit) {
            throw new IllegalStateException("asked for jit=" + jit + " but GraalPy ran with jit=" + result.get("jit"));
        }
        return result;
    }

    private static JsonNode cpythonLoop(Path scripts, Path seeds, String skill, double warm, double measure) throws Exception {
        Path input = inputFile(seeds, skill);
        Process process = new ProcessBuilder("python3", scripts.resolve("cpython_loop.py").toString(),
                seeds.resolve(Workloads.skill(skill)).toString(), entry(seeds, skill), input.toString(), Double.toString(warm), Double.toString(measure), Integer.toString(THREADS))
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String line = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (process.waitFor() != 0) {
            throw new IllegalStateException("the CPython loop failed");
        }
        return JSON.readTree(line);
    }

    /** One long-lived CPython worker per thread, fed one JSON line per call; latency seen from Java. */
    private static JsonNode cpythonWorker(Path scripts, Path seeds, String skill, double warm, double measure) throws Exception {
        String input = JSON.writeValueAsString(JSON.readTree(inputFile(seeds, skill).toFile()));
        long warmEnd = System.nanoTime() + (long) (warm * 1e9);
        long measureEnd = warmEnd + (long) (measure * 1e9);
        List<long[]> perThread = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            threads.add(Thread.ofPlatform().start(() -> {
                try {
                    Process worker = new ProcessBuilder("python3", scripts.resolve("jsonl_worker.py").toString(),
                            seeds.resolve(Workloads.skill(skill)).toString(), entry(seeds, skill)).redirectError(ProcessBuilder.Redirect.INHERIT).start();
                    try (BufferedWriter in = new BufferedWriter(new OutputStreamWriter(worker.getOutputStream(), StandardCharsets.UTF_8));
                         BufferedReader out = new BufferedReader(new InputStreamReader(worker.getInputStream(), StandardCharsets.UTF_8))) {
                        long[] samples = new long[1 << 16];
                        int n = 0;
                        long now;
                        while ((now = System.nanoTime()) < measureEnd) {
                            in.write(input);
                            in.write('\n');
                            in.flush();
                            JsonNode answer = JSON.readTree(out.readLine());
                            if (!answer.has("output")) {
                                throw new IllegalStateException("the worker answered " + answer);
                            }
                            if (now >= warmEnd) {
                                if (n == samples.length) {
                                    samples = Arrays.copyOf(samples, n * 2);
                                }
                                samples[n++] = System.nanoTime() - now;
                            }
                        }
                        synchronized (perThread) {
                            perThread.add(Arrays.copyOf(samples, n));
                        }
                    }
                    worker.waitFor();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }));
        }
        for (Thread thread : threads) {
            thread.join();
        }
        return PythonSkillLoad.latencies(JSON.createObjectNode(), perThread, measure);
    }

    private static Path inputFile(Path seeds, String skill) throws Exception {
        Path file = Files.createTempFile("bench-input", ".json");
        Files.writeString(file, Workloads.input(seeds, skill).toString());
        return file;
    }

    private static String entry(Path seeds, String skill) throws Exception {
        String line = Files.readAllLines(seeds.resolve(Workloads.skill(skill)).resolve("SKILL.md")).stream()
                .filter(l -> l.strip().startsWith("entry:")).findFirst().orElseThrow();
        return line.substring(line.indexOf(':') + 1).strip();
    }

    private static String arg(String[] args, String name) {
        for (int i = 0; i < args.length - 1; i++) {
            if (args[i].equals(name)) {
                return args[i + 1];
            }
        }
        throw new IllegalArgumentException("missing " + name);
    }
}
