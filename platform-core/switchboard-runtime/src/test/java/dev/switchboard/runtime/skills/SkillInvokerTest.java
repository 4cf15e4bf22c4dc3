package dev.switchboard.runtime.skills;

import dev.switchboard.api.JavaSkill;
import dev.switchboard.api.Principal;
import dev.switchboard.api.SkillContext;
import dev.switchboard.api.SkillException;
import dev.switchboard.api.SkillResult;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The invoke path with real Java skills: validation, roles, cache and single flight, timeouts, failures, fallbacks. */
class SkillInvokerTest {

    static final JsonMapper JSON = JsonMapper.builder().build();
    static final Principal STUDENT = new Principal("alice", Set.of("student"));
    static final Principal INSTRUCTOR = new Principal("ivy", Set.of("instructor"));

    @TempDir
    Path dir;
    final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    final SkillInvoker invoker = new SkillInvoker(meters);

    /** Echoes {"text": ...} back, counting its runs. */
    public static final class Echo implements JavaSkill {
        static final AtomicInteger RUNS = new AtomicInteger();

        @Override
        public JsonNode run(JsonNode input, SkillContext context) {
            RUNS.incrementAndGet();
            context.progress(1.0, "done");
            return JsonNodeFactory.instance.objectNode().put("echo", input.get("text").stringValue());
        }
    }

    /** Fails while FAIL is set. */
    public static final class Flaky implements JavaSkill {
        static volatile boolean fail;

        @Override
        public JsonNode run(JsonNode input, SkillContext context) {
            if (fail) {
                throw new IllegalStateException("the upstream is down");
            }
            return JsonNodeFactory.instance.objectNode().put("echo", input.get("text").stringValue());
        }
    }

    /** Returns what its output schema forbids. */
    public static final class Wrong implements JavaSkill {
        @Override
        public JsonNode run(JsonNode input, SkillContext context) {
            return JsonNodeFactory.instance.objectNode().put("echo", 42);
        }
    }

    /** Waits until released (or interrupted), counting its runs. */
    public static final class Slow implements JavaSkill {
        static final AtomicInteger RUNS = new AtomicInteger();
        static volatile CountDownLatch release = new CountDownLatch(1);
        static volatile CountDownLatch interrupted = new CountDownLatch(1);

        @Override
        public JsonNode run(JsonNode input, SkillContext context) throws Exception {
            RUNS.incrementAndGet();
            try {
                release.await();
            } catch (InterruptedException e) {
                interrupted.countDown();
                throw e;
            }
            return JsonNodeFactory.instance.objectNode().put("echo", input.get("text").stringValue());
        }
    }

    /** Ignores interrupts: waits for release however often it is interrupted. */
    public static final class Deaf implements JavaSkill {
        static volatile CountDownLatch release = new CountDownLatch(1);

        @Override
        public JsonNode run(JsonNode input, SkillContext context) {
            while (true) {
                try {
                    release.await();
                    return JsonNodeFactory.instance.objectNode().put("echo", "late");
                } catch (InterruptedException e) {
                    // Deaf to it.
                }
            }
        }
    }

    LoadedSkill skill(String name, Class<? extends JavaSkill> entry, String extra) throws Exception {
        Path folder = dir.resolve(name);
        Files.createDirectories(folder);
        Files.writeString(folder.resolve("SKILL.md"), """
                ---
                name: %s
                description: A test skill.
                switchboard:
                  runtime: java
                  entry: %s
                  version: 2.0.0
                  input_schema: {type: object, required: [text], properties: {text: {type: string}}, additionalProperties: false}
                  output_schema: {type: object, required: [echo], properties: {echo: {type: string}}}
                %s
                ---
                """.formatted(name, entry.getName(), extra.indent(2).stripTrailing()));
        return invoker.load(SkillManifestParser.parse(folder), new JavaSkillRuntime(getClass().getClassLoader()));
    }

    static JsonNode json(String text) {
        return JSON.readTree(text);
    }

    @Test
    void aCallIsValidatedRunCachedAndDescribed() throws Exception {
        LoadedSkill echo = skill("echo", Echo.class, "");
        int before = Echo.RUNS.get();
        List<Double> progress = new ArrayList<>();
        SkillResult first = invoker.invoke(echo, json("{\"text\":\"hi\"}"), null, new Listener(progress));
        assertThat(first.output().toString()).isEqualTo("{\"echo\":\"hi\"}");
        assertThat(first.cached()).isFalse();
        assertThat(first.version()).isEqualTo("2.0.0");
        assertThat(first.contentHash()).isEqualTo(echo.manifest.contentHash());
        assertThat(progress).containsExactly(1.0);
        SkillResult second = invoker.invoke(echo, json("{ \"text\" : \"hi\" }"), null, null);
        assertThat(second.cached()).isTrue();
        assertThat(Echo.RUNS.get() - before).isEqualTo(1);
        assertThat(meters.counter("switchboard.skills.cache", "skill", "echo", "result", "hit").count()).isEqualTo(1);
        assertThat(meters.counter("switchboard.skills.calls", "skill", "echo", "outcome", "cached").count()).isEqualTo(1);
    }

    @Test
    void badInputIsTheCallersErrorWithPointers() throws Exception {
        LoadedSkill echo = skill("echo", Echo.class, "");
        assertThatThrownBy(() -> invoker.invoke(echo, json("{\"text\": 3, \"more\": true}"), null, null))
                .isInstanceOfSatisfying(SkillException.class, e -> {
                    assertThat(e.kind()).isEqualTo(SkillException.Kind.INVALID_INPUT);
                    assertThat(e.violations()).anySatisfy(v -> assertThat(v).startsWith("/text: "))
                            .anySatisfy(v -> assertThat(v).startsWith("/more: "));
                });
        assertThatThrownBy(() -> invoker.invoke(echo, json("{}"), null, null))
                .isInstanceOfSatisfying(SkillException.class, e -> assertThat(e.violations()).anySatisfy(v -> assertThat(v).startsWith("/text: ")));
    }

    @Test
    void rolesLimitWhoMayCall() throws Exception {
        LoadedSkill echo = skill("guarded", Echo.class, "roles: [instructor]");
        assertThatThrownBy(() -> invoker.invoke(echo, json("{\"text\":\"x\"}"), STUDENT, null))
                .isInstanceOfSatisfying(SkillException.class, e -> assertThat(e.kind()).isEqualTo(SkillException.Kind.FORBIDDEN));
        assertThat(invoker.invoke(echo, json("{\"text\":\"x\"}"), INSTRUCTOR, null).output().get("echo").stringValue()).isEqualTo("x");
    }

    @Test
    void failuresAndInvalidOutputsAreTheSkillsAndAreNotCached() throws Exception {
        Flaky.fail = true;
        LoadedSkill flaky = skill("flaky", Flaky.class, "");
        assertThatThrownBy(() -> invoker.invoke(flaky, json("{\"text\":\"x\"}"), null, null))
                .isInstanceOfSatisfying(SkillException.class, e -> {
                    assertThat(e.kind()).isEqualTo(SkillException.Kind.FAILED);
                    assertThat(e.getMessage()).contains("the upstream is down");
                });
        Flaky.fail = false;
        assertThat(invoker.invoke(flaky, json("{\"text\":\"x\"}"), null, null).cached()).isFalse();

        LoadedSkill wrong = skill("wrong", Wrong.class, "");
        assertThatThrownBy(() -> invoker.invoke(wrong, json("{\"text\":\"x\"}"), null, null))
                .isInstanceOfSatisfying(SkillException.class, e -> {
                    assertThat(e.kind()).isEqualTo(SkillException.Kind.OUTPUT_INVALID);
                    assertThat(e.violations()).anySatisfy(v -> assertThat(v).startsWith("/echo: "));
                });
    }

    @Test
    void aSkillPastItsTimeoutIsInterruptedAndTheCallerToldSo() throws Exception {
        Slow.release = new CountDownLatch(1);
        Slow.interrupted = new CountDownLatch(1);
        LoadedSkill slow = skill("slow", Slow.class, "timeout: 100ms");
        assertThatThrownBy(() -> invoker.invoke(slow, json("{\"text\":\"x\"}"), null, null))
                .isInstanceOfSatisfying(SkillException.class, e -> assertThat(e.kind()).isEqualTo(SkillException.Kind.TIMEOUT));
        assertThat(Slow.interrupted.await(5, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void aSkillThatIgnoresInterruptsStillTimesOutForItsCallerAndThoseWhoShareItsRun() throws Exception {
        Deaf.release = new CountDownLatch(1);
        LoadedSkill deaf = skill("deaf", Deaf.class, "timeout: 300ms");
        try (var threads = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            // The first caller starts the run and gives up at once; the second shares the run and must still get its timeout.
            Future<SkillResult> starter = threads.submit(() -> invoker.invoke(deaf, json("{\"text\":\"x\"}"), null, null));
            Thread.sleep(50);
            Future<SkillResult> sharer = threads.submit(() -> invoker.invoke(deaf, json("{\"text\":\"x\"}"), null, null));
            Thread.sleep(50);
            starter.cancel(true);
            assertThatThrownBy(() -> sharer.get(5, TimeUnit.SECONDS)).hasCauseInstanceOf(SkillException.class)
                    .cause().satisfies(e -> assertThat(((SkillException) e).kind()).isEqualTo(SkillException.Kind.TIMEOUT));
        } finally {
            Deaf.release.countDown();
        }
    }

    @Test
    void concurrentIdenticalCallsRunTheSkillOnce() throws Exception {
        Slow.release = new CountDownLatch(1);
        LoadedSkill slow = skill("shared", Slow.class, "timeout: 30s");
        int before = Slow.RUNS.get();
        List<Future<SkillResult>> calls = new ArrayList<>();
        try (var threads = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 8; i++) {
                calls.add(threads.submit(() -> invoker.invoke(slow, json("{\"text\":\"same\"}"), null, null)));
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (Slow.RUNS.get() == before && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            Thread.sleep(100);
            Slow.release.countDown();
            for (Future<SkillResult> call : calls) {
                assertThat(call.get(5, TimeUnit.SECONDS).output().get("echo").stringValue()).isEqualTo("same");
            }
        }
        assertThat(Slow.RUNS.get() - before).isEqualTo(1);
    }

    @Test
    void fallbacksCoverTheSkillsFailuresOnly() throws Exception {
        Flaky.fail = false;
        LoadedSkill fixed = skill("fixed", Flaky.class, "fallback: {output: {echo: fallback}}");
        LoadedSkill stale = skill("stale", Flaky.class, "fallback: stale\ncache: {enabled: false}");
        assertThat(invoker.invoke(stale, json("{\"text\":\"good\"}"), null, null).fallback()).isFalse();
        Flaky.fail = true;
        try {
            SkillResult fromFixed = invoker.invoke(fixed, json("{\"text\":\"x\"}"), null, null);
            assertThat(fromFixed.fallback()).isTrue();
            assertThat(fromFixed.output().get("echo").stringValue()).isEqualTo("fallback");
            SkillResult fromStale = invoker.invoke(stale, json("{\"text\":\"good\"}"), null, null);
            assertThat(fromStale.fallback()).isTrue();
            assertThat(fromStale.output().get("echo").stringValue()).isEqualTo("good");
            // No last good output for this input: the failure itself.
            assertThatThrownBy(() -> invoker.invoke(stale, json("{\"text\":\"never seen\"}"), null, null))
                    .isInstanceOfSatisfying(SkillException.class, e -> assertThat(e.kind()).isEqualTo(SkillException.Kind.FAILED));
            // The caller's mistake is never covered.
            assertThatThrownBy(() -> invoker.invoke(fixed, json("{}"), null, null))
                    .isInstanceOfSatisfying(SkillException.class, e -> assertThat(e.kind()).isEqualTo(SkillException.Kind.INVALID_INPUT));
        } finally {
            Flaky.fail = false;
        }
    }

    @Test
    void aJavaEntryThatIsNoSkillIsRefusedAtLoad() throws Exception {
        Path folder = dir.resolve("not-a-skill");
        Files.createDirectories(folder);
        Files.writeString(folder.resolve("SKILL.md"), """
                ---
                name: not-a-skill
                description: Names a class that is not a skill.
                switchboard: {runtime: java, entry: java.lang.String, input_schema: {}, output_schema: {}}
                ---
                """);
        SkillManifest manifest = SkillManifestParser.parse(folder);
        assertThatThrownBy(() -> invoker.load(manifest, new JavaSkillRuntime(getClass().getClassLoader())))
                .isInstanceOfSatisfying(SkillFormatException.class, e -> assertThat(e.problems()).singleElement().asString()
                        .contains("does not implement dev.switchboard.api.JavaSkill"));
        SkillManifest missing = new SkillManifest(manifest.name(), manifest.description(), manifest.runtime(), "com.example.Missing",
                manifest.version(), manifest.inputSchema(), manifest.outputSchema(), manifest.timeout(), manifest.cache(), manifest.fallback(),
                manifest.roles(), manifest.documentation(), manifest.folder(), manifest.contentHash());
        assertThatThrownBy(() -> invoker.load(missing, new JavaSkillRuntime(getClass().getClassLoader())))
                .isInstanceOfSatisfying(SkillFormatException.class, e -> assertThat(e.problems()).singleElement().asString()
                        .contains("no class com.example.Missing"));
    }

    /** Records progress; never cancelled. */
    record Listener(List<Double> progress) implements SkillContext {
        @Override
        public void progress(double fraction, String message) {
            progress.add(fraction);
        }

        @Override
        public void log(String level, String message) {
        }

        @Override
        public boolean cancelled() {
            return false;
        }
    }
}
