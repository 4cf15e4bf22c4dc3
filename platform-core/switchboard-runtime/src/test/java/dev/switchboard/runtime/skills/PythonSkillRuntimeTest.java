package dev.switchboard.runtime.skills;

import dev.switchboard.api.SkillContext;
import dev.switchboard.api.SkillException;
import dev.switchboard.api.SkillResult;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Python skills under GraalPy: the seed skill's CPython cases give the same outputs; sandbox; timeouts; errors. */
class PythonSkillRuntimeTest {

    static final JsonMapper JSON = JsonMapper.builder().build();
    static PythonSkillRuntime python;
    final SkillInvoker invoker = new SkillInvoker(new SimpleMeterRegistry());

    @TempDir
    Path dir;
    /** Every skill a test loads, closed after it: a GraalPy context must be closed, never left to the collector. */
    final List<LoadedSkill> loaded = new ArrayList<>();

    @AfterEach
    void closeSkills() {
        loaded.forEach(LoadedSkill::close);
    }

    @BeforeAll
    static void start() {
        python = new PythonSkillRuntime(2, Duration.ofSeconds(30), Duration.ZERO);
    }

    @AfterAll
    static void stop() {
        python.close();
    }

    LoadedSkill skill(String code, String extra) throws Exception {
        Path folder = dir.resolve("s" + Math.abs(code.hashCode()));
        Files.createDirectories(folder);
        Files.writeString(folder.resolve("skill.py"), code);
        Files.writeString(folder.resolve("SKILL.md"), """
                ---
                name: py-test
                description: A Python test skill.
                switchboard:
                  runtime: python
                  entry: skill.py:run
                  input_schema: {type: object}
                  output_schema: true
                  cache: {enabled: false}
                  %s
                ---
                """.formatted(extra));
        LoadedSkill skill = invoker.load(SkillManifestParser.parse(folder), python);
        loaded.add(skill);
        return skill;
    }

    @Test
    void theSeedSkillGivesTheOutputsCPythonGives() throws Exception {
        Path seed = Path.of("../../skills/sse-handler").toAbsolutePath().normalize();
        LoadedSkill sse = invoker.load(SkillManifestParser.parse(seed), python);
        loaded.add(sse);
        JsonNode cases = JSON.readTree(Files.readString(seed.resolve("cases.json")));
        assertThat(cases.size()).isGreaterThan(5);
        for (JsonNode c : cases) {
            assertThat(invoker.invoke(sse, c.get("input"), null, null).output()).as(c.get("name").stringValue()).isEqualTo(c.get("output"));
        }
    }

    @Test
    void eachContextRunsTheSchemasExamplesBeforeItTakesACall() throws Exception {
        Path folder = dir.resolve("warm");
        Files.createDirectories(folder);
        Files.writeString(folder.resolve("skill.py"), """
                runs = []

                def run(input):
                    if input["n"] < 0:
                        raise ValueError("n: at least 0")
                    runs.append(input["n"])
                    return {"runs": list(runs)}
                """);
        Files.writeString(folder.resolve("SKILL.md"), """
                ---
                name: warm
                description: Remembers what it ran.
                switchboard:
                  runtime: python
                  entry: skill.py:run
                  input_schema: {type: object, required: [n], properties: {n: {type: integer}}, examples: [{n: 1}, {n: -1}, {n: 2}]}
                  output_schema: true
                  cache: {enabled: false}
                ---
                """);
        LoadedSkill skill = invoker.load(SkillManifestParser.parse(folder), python);
        loaded.add(skill);
        assertThat(skill.runner.coldStartAllowance()).as("warmed at load").isEqualTo(Duration.ZERO);
        // Both contexts ran 1 and 2 (the failing example is reported, not fatal), so every first call finds warm code.
        // Which context's thread takes a call is the queue's choice: call until both have taken their first.
        int firstCalls = 0;
        for (int call = 0; call < 20 && firstCalls < 2; call++) {
            String runs = invoker.invoke(skill, JSON.readTree("{\"n\": 7}"), null, null).output().get("runs").toString();
            assertThat(runs).startsWith("[1,2,7");
            firstCalls += runs.equals("[1,2,7]") ? 1 : 0;
        }
        assertThat(firstCalls).as("calls that were a context's first").isEqualTo(2);
    }

    @Test
    void aSkillWithoutExamplesGetsTheWarmUpAllowanceUntilEachContextHasRunOnce() throws Exception {
        LoadedSkill cold = skill("def run(input):\n    return input\n", "");
        assertThat(cold.runner.coldStartAllowance()).isEqualTo(Duration.ofSeconds(30));
        // Two contexts, each on its own thread: the allowance holds until the second one has run too.
        invoker.invoke(cold, JSON.readTree("{}"), null, null);
        assertThat(cold.runner.coldStartAllowance()).isEqualTo(Duration.ofSeconds(30));
        // Which context's thread takes a call is the queue's choice; an idle one waits longest and goes first.
        for (int call = 0; call < 20 && !cold.runner.coldStartAllowance().isZero(); call++) {
            invoker.invoke(cold, JSON.readTree("{}"), null, null);
        }
        assertThat(cold.runner.coldStartAllowance()).isEqualTo(Duration.ZERO);
    }

    @Test
    void duringTheJitWindowAfterLoadAWarmSkillsRunsStillGetTheWarmUpAllowance() throws Exception {
        try (PythonSkillRuntime warming = new PythonSkillRuntime(1, Duration.ofSeconds(30), Duration.ofHours(1))) {
            Path folder = dir.resolve("jit");
            Files.createDirectories(folder);
            Files.writeString(folder.resolve("skill.py"), "def run(input):\n    return input\n");
            Files.writeString(folder.resolve("SKILL.md"), """
                    ---
                    name: jit
                    description: Gives back its input.
                    switchboard:
                      runtime: python
                      entry: skill.py:run
                      input_schema: {type: object, examples: [{n: 1}]}
                      output_schema: true
                      cache: {enabled: false}
                    ---
                    """);
            LoadedSkill skill = invoker.load(SkillManifestParser.parse(folder), warming);
            loaded.add(skill);
            // Warmed on its example, so no context is cold: the window alone gives the allowance.
            assertThat(skill.runner.coldStartAllowance()).isEqualTo(Duration.ofSeconds(30));
            invoker.invoke(skill, JSON.readTree("{\"n\": 2}"), null, null);
            assertThat(skill.runner.coldStartAllowance()).isEqualTo(Duration.ofSeconds(30));
        }
    }

    @Test
    void plainValuesInAndOutAndTheContextReportsProgress() throws Exception {
        LoadedSkill skill = skill("""
                def run(input, ctx):
                    ctx.progress(0.5, "half")
                    return {"keys": sorted(input.keys()), "type": type(input).__name__, "cancelled": ctx.cancelled()}
                """, "");
        List<Double> progress = new ArrayList<>();
        JsonNode output = invoker.invoke(skill, JSON.readTree("{\"b\":1,\"a\":[1,2]}"), null, new SkillInvokerTest.Listener(progress)).output();
        assertThat(output.toString()).isEqualTo("{\"keys\":[\"a\",\"b\"],\"type\":\"dict\",\"cancelled\":false}");
        assertThat(progress).containsExactly(0.5);
    }

    @Test
    void aRunawayLoopIsStoppedAndTheSkillKeepsWorking() throws Exception {
        LoadedSkill skill = skill("""
                def run(input):
                    while input.get("loop"):
                        pass
                    return {"done": True}
                """, "timeout: 300ms");
        assertThatThrownBy(() -> invoker.invoke(skill, JSON.readTree("{\"loop\":true}"), null, null))
                .isInstanceOfSatisfying(SkillException.class, e -> assertThat(e.kind()).isEqualTo(SkillException.Kind.TIMEOUT));
        for (int i = 0; i < 3; i++) {
            assertThat(invoker.invoke(skill, JSON.readTree("{\"loop\":false}"), null, null).output().get("done").booleanValue()).isTrue();
        }
    }

    @Test
    void aStopMeantForAnEarlierRunLeavesTheCallNowOnThatThreadAlone() throws Exception {
        // A run that passes its timeout is stopped from another thread. By the time the stop
        // lands, that run may have ended and its context's thread have taken the next call.
        LoadedSkill skill = skill("""
                def run(input, ctx):
                    ctx.progress(0.0, "started")
                    while not ctx.cancelled():
                        pass
                    return {"done": True}
                """, "timeout: 20s");
        CompletableFuture<Thread> started = new CompletableFuture<>();
        AtomicBoolean release = new AtomicBoolean();
        SkillContext listener = new SkillContext() {
            @Override
            public void progress(double fraction, String message) {
                started.complete(Thread.currentThread());
            }

            @Override
            public void log(String level, String message) {
            }

            @Override
            public boolean cancelled() {
                return release.get();
            }
        };
        CompletableFuture<SkillResult> call = CompletableFuture.supplyAsync(() -> {
            try {
                return invoker.invoke(skill, JSON.readTree("{}"), null, listener);
            } catch (Exception e) {
                throw new CompletionException(e);
            }
        });
        Thread thread = started.get(30, TimeUnit.SECONDS);
        skill.runner.stop(thread, new SkillInvokerTest.Listener(new ArrayList<>()));
        // The stop works on a thread of its own: give it the time to reach the call if it were going to.
        Thread.sleep(300);
        release.set(true);
        assertThat(call.get(30, TimeUnit.SECONDS).output().get("done").booleanValue()).isTrue();
    }

    @Test
    void theSandboxKeepsFilesSocketsAndProcessesOut() throws Exception {
        for (String attempt : List.of("open('/etc/hostname').read()", "__import__('socket').create_connection(('127.0.0.1', 80))",
                "__import__('subprocess').run(['true'])", "__import__('os').system('true')",
                "__import__('java').type('java.lang.System').exit(3)", "__import__('ctypes').CDLL(None)",
                "__import__('threading').Thread(target=print).start()", "__import__('os').environ['PATH']")) {
            LoadedSkill skill = skill("def run(input):\n    return " + attempt + "\n", "");
            assertThatThrownBy(() -> invoker.invoke(skill, JSON.readTree("{}"), null, null)).as(attempt)
                    .isInstanceOfSatisfying(SkillException.class, e -> assertThat(e.kind()).isEqualTo(SkillException.Kind.FAILED));
        }
    }

    @Test
    void aValueErrorIsTheCallersMistakeAndOtherErrorsTheSkills() throws Exception {
        LoadedSkill skill = skill("""
                def run(input):
                    if input.get("bad"):
                        raise ValueError("language: 'cobol' is not supported; use one of python, go")
                    return 1 / 0
                """, "");
        assertThatThrownBy(() -> invoker.invoke(skill, JSON.readTree("{\"bad\":true}"), null, null))
                .isInstanceOfSatisfying(SkillException.class, e -> {
                    assertThat(e.kind()).isEqualTo(SkillException.Kind.INVALID_INPUT);
                    assertThat(e.getMessage()).isEqualTo("language: 'cobol' is not supported; use one of python, go");
                });
        assertThatThrownBy(() -> invoker.invoke(skill, JSON.readTree("{}"), null, null))
                .isInstanceOfSatisfying(SkillException.class, e -> {
                    assertThat(e.kind()).isEqualTo(SkillException.Kind.FAILED);
                    assertThat(e.getMessage()).contains("ZeroDivisionError");
                });
    }

    @Test
    void aResultJsonCannotHoldIsTheSkillsFault() throws Exception {
        LoadedSkill skill = skill("""
                def run(input):
                    return {"set": {1, 2}} if input.get("set") else {"nan": float("nan")}
                """, "");
        for (String input : List.of("{\"set\":true}", "{}")) {
            assertThatThrownBy(() -> invoker.invoke(skill, JSON.readTree(input), null, null)).as(input)
                    .isInstanceOfSatisfying(SkillException.class, e -> {
                        assertThat(e.kind()).isEqualTo(SkillException.Kind.OUTPUT_INVALID);
                        assertThat(e.getMessage()).contains("returned a value JSON cannot hold");
                    });
        }
    }

    @Test
    void jsonValuesArriveAsCPythonsJsonWouldGiveThem() throws Exception {
        LoadedSkill skill = skill("""
                def run(input):
                    def describe(value):
                        if isinstance(value, dict):
                            return {"dict": {k: describe(v) for k, v in value.items()}} if type(value) is dict else "not a plain dict"
                        if isinstance(value, list):
                            return {"list": [describe(v) for v in value]} if type(value) is list else "not a plain list"
                        return type(value).__name__ + ":" + repr(value)
                    input["added"] = True
                    return describe(input)
                """, "");
        JsonNode output = invoker.invoke(skill, JSON.readTree(
                "{\"s\":\"é\",\"i\":3,\"f\":3.0,\"big\":123456789012345678901234567890,\"b\":false,\"n\":null,\"l\":[{\"x\":[]}]}"),
                null, null).output();
        assertThat(output.toString()).isEqualTo("{\"dict\":{\"s\":\"str:'é'\",\"i\":\"int:3\",\"f\":\"float:3.0\","
                + "\"big\":\"int:123456789012345678901234567890\",\"b\":\"bool:False\",\"n\":\"NoneType:None\","
                + "\"l\":{\"list\":[{\"dict\":{\"x\":{\"list\":[]}}}]},\"added\":\"bool:True\"}}");
    }

    @Test
    void aMissingFunctionIsRefusedAtLoad() throws Exception {
        assertThatThrownBy(() -> skill("def other(input):\n    return 1\n", ""))
                .isInstanceOfSatisfying(SkillFormatException.class, e -> assertThat(e.problems()).singleElement().asString().contains("no function run"));
    }
}
