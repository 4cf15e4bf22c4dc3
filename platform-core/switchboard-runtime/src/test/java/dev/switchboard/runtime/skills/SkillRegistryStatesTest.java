package dev.switchboard.runtime.skills;

import dev.switchboard.api.JavaSkill;
import dev.switchboard.api.Principal;
import dev.switchboard.api.SkillContext;
import dev.switchboard.api.SkillException;
import dev.switchboard.api.SkillResult;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A skill is known from its SKILL.md before its runtime has prepared it: listed as loading, called
 * and waited for, refused at once for bad input, failed with a reason, replaced only once its
 * successor is ready. The runtime here is the Java one behind a gate the test opens.
 */
class SkillRegistryStatesTest {

    static final JsonMapper JSON = JsonMapper.builder().build();
    static final Principal STUDENT = new Principal("alice", Set.of("student"));

    @TempDir
    Path dir;
    final GatedRuntime runtime = new GatedRuntime();
    /** Threads of their own: the common pool may have a single one here, which a blocked preparation would hold. */
    final ExecutorService threads = Executors.newCachedThreadPool();
    SkillRegistry registry;

    /** Echoes {"text": ...} back. */
    public static final class Echo implements JavaSkill {
        @Override
        public JsonNode run(JsonNode input, SkillContext context) {
            return JsonNodeFactory.instance.objectNode().put("echo", input.get("text").stringValue());
        }
    }

    /** The Java runtime, whose {@code prepare} waits until the gate opens, and fails for the names in {@link #failing}. */
    static final class GatedRuntime implements SkillRuntime {
        final JavaSkillRuntime java = new JavaSkillRuntime(GatedRuntime.class.getClassLoader());
        volatile CountDownLatch gate = new CountDownLatch(0);
        final Set<String> failing = ConcurrentHashMap.newKeySet();

        @Override
        public Runner prepare(SkillManifest manifest) throws SkillFormatException {
            try {
                gate.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            if (failing.contains(manifest.name())) {
                throw new SkillFormatException(List.of("switchboard.entry: the code does not load"));
            }
            return java.prepare(manifest);
        }

        void close() {
            gate = new CountDownLatch(1);
        }

        void open() {
            gate.countDown();
        }
    }

    SkillRegistry registry(Duration allowance) {
        registry = new SkillRegistry(dir, new SkillInvoker(new SimpleMeterRegistry()), Map.of(SkillManifest.Runtime.JAVA, runtime),
                allowance);
        return registry;
    }

    @AfterEach
    void tearDown() {
        runtime.open();
        if (registry != null) {
            registry.close();
        }
        threads.shutdownNow();
    }

    void write(String name, String version, String extra) throws IOException {
        Path folder = dir.resolve(name);
        Files.createDirectories(folder);
        Files.writeString(folder.resolve("SKILL.md"), """
                ---
                name: %s
                description: A test skill.
                switchboard:
                  runtime: java
                  entry: %s
                  version: %s
                  input_schema: {type: object, required: [text], properties: {text: {type: string}}, additionalProperties: false}
                %s
                ---
                """.formatted(name, Echo.class.getName(), version, extra.indent(2).stripTrailing()));
    }

    static JsonNode input(String text) {
        return JSON.createObjectNode().put("text", text);
    }

    SkillView.Status status(String name) {
        return registry.view(name).orElseThrow().status();
    }

    CompletableFuture<Void> prepareInBackground(SkillRegistry.Pending pending) {
        return CompletableFuture.runAsync(() -> registry.prepare(pending), threads);
    }

    @Test
    void aSkillIsListedLoadingAtOnceAndACallWaitsUntilItIsReady() throws Exception {
        write("echo", "1.0.0", "");
        registry(Duration.ofSeconds(60));
        runtime.close();
        SkillRegistry.Pending pending = registry.read();
        assertThat(registry.names()).containsExactly("echo");
        assertThat(status("echo")).isEqualTo(SkillView.Status.LOADING);

        CompletableFuture<SkillResult> call = CompletableFuture.supplyAsync(() -> registry.invoke("echo", input("hi"), STUDENT), threads);
        CompletableFuture<Void> prepared = prepareInBackground(pending);
        Thread.sleep(200);
        assertThat(call).as("the call waits for the skill").isNotDone();

        runtime.open();
        prepared.get(10, TimeUnit.SECONDS);
        assertThat(call.get(10, TimeUnit.SECONDS).output().get("echo").stringValue()).isEqualTo("hi");
        assertThat(status("echo")).isEqualTo(SkillView.Status.READY);
    }

    @Test
    void badInputAndAMissingRoleAreRefusedAtOnceWhileTheSkillLoads() throws Exception {
        write("echo", "1.0.0", "");
        write("graded", "1.0.0", "roles: [instructor]");
        registry(Duration.ofSeconds(60));
        runtime.close();
        registry.read();
        // On this thread, with the gate shut: an answer at all proves nothing waited for the runtime.
        assertThatThrownBy(() -> registry.invoke("echo", JSON.createObjectNode().put("text", 7), STUDENT))
                .isInstanceOfSatisfying(SkillException.class, e -> {
                    assertThat(e.kind()).isEqualTo(SkillException.Kind.INVALID_INPUT);
                    assertThat(e.violations()).singleElement().asString().startsWith("/text: ");
                });
        assertThatThrownBy(() -> registry.invoke("graded", input("x"), STUDENT))
                .isInstanceOfSatisfying(SkillException.class, e -> assertThat(e.kind()).isEqualTo(SkillException.Kind.FORBIDDEN));
        assertThatThrownBy(() -> registry.admit("echo", JSON.createObjectNode(), STUDENT))
                .isInstanceOfSatisfying(SkillException.class, e -> assertThat(e.kind()).isEqualTo(SkillException.Kind.INVALID_INPUT));
        assertThat(status("echo")).isEqualTo(SkillView.Status.LOADING);
    }

    @Test
    void aCallWhoseWaitRunsOutIsToldTheSkillIsLoading() throws Exception {
        write("echo", "1.0.0", "");
        registry(Duration.ofMillis(100));
        runtime.close();
        registry.read();
        assertThatThrownBy(() -> registry.invoke("echo", input("hi"), STUDENT))
                .isInstanceOfSatisfying(SkillException.class, e -> {
                    assertThat(e.kind()).isEqualTo(SkillException.Kind.LOADING);
                    assertThat(e.getMessage()).contains("still loading").contains("skills.warm_up_allowance");
                });
    }

    @Test
    void aSkillWhoseCodeDoesNotLoadIsFailedWithTheReasonAndItsCallsAreUnavailable() throws Exception {
        write("echo", "1.0.0", "");
        runtime.failing.add("echo");
        registry(Duration.ofSeconds(60)).reload();
        SkillView view = registry.view("echo").orElseThrow();
        assertThat(view.status()).isEqualTo(SkillView.Status.FAILED);
        assertThat(view.reason()).isEqualTo("switchboard.entry: the code does not load");
        for (Runnable call : List.<Runnable>of(() -> registry.invoke("echo", input("hi"), STUDENT),
                () -> registry.admit("echo", input("hi"), STUDENT))) {
            assertThatThrownBy(call::run).isInstanceOfSatisfying(SkillException.class, e -> {
                assertThat(e.kind()).isEqualTo(SkillException.Kind.UNAVAILABLE);
                assertThat(e.getMessage()).contains("could not be loaded: switchboard.entry: the code does not load");
            });
        }
        assertThat(registry.rejected()).isEmpty();

        // Fixing the folder (here: the runtime) and touching it loads it again.
        runtime.failing.clear();
        write("echo", "1.0.1", "");
        registry.reload();
        assertThat(status("echo")).isEqualTo(SkillView.Status.READY);
    }

    @Test
    void aSkillRemovedWhileACallWaitsForItIsNotFound() throws Exception {
        write("echo", "1.0.0", "");
        registry(Duration.ofSeconds(60));
        runtime.close();
        CompletableFuture<Void> prepared = prepareInBackground(registry.read());
        CompletableFuture<SkillResult> call = CompletableFuture.supplyAsync(() -> registry.invoke("echo", input("hi"), STUDENT), threads);
        Thread.sleep(200);
        Files.delete(dir.resolve("echo/SKILL.md"));
        Files.delete(dir.resolve("echo"));
        // A read does not wait for the preparation under way.
        registry.read();
        assertThatThrownBy(() -> call.get(10, TimeUnit.SECONDS)).cause().isInstanceOfSatisfying(SkillException.class, e -> {
            assertThat(e.kind()).isEqualTo(SkillException.Kind.NOT_FOUND);
            assertThat(e.getMessage()).contains("removed while the call waited");
        });
        runtime.open();
        prepared.get(10, TimeUnit.SECONDS);
        assertThat(registry.names()).isEmpty();
    }

    @Test
    void anEditedSkillServesItsPreviousVersionUntilTheNewOneIsReady() throws Exception {
        write("echo", "1.0.0", "");
        registry(Duration.ofSeconds(60)).reload();
        runtime.close();
        write("echo", "1.1.0", "");
        SkillRegistry.Pending pending = registry.read();
        assertThat(status("echo")).isEqualTo(SkillView.Status.READY);
        assertThat(registry.invoke("echo", input("a"), STUDENT).version()).isEqualTo("1.0.0");

        CompletableFuture<Void> prepared = prepareInBackground(pending);
        runtime.open();
        prepared.get(10, TimeUnit.SECONDS);
        assertThat(registry.invoke("echo", input("a"), STUDENT).version()).isEqualTo("1.1.0");
    }

    @Test
    void aNewVersionThatDoesNotLoadLeavesThePreviousOneServing() throws Exception {
        write("echo", "1.0.0", "");
        registry(Duration.ofSeconds(60)).reload();
        runtime.failing.add("echo");
        write("echo", "1.1.0", "");
        registry.reload();
        assertThat(status("echo")).isEqualTo(SkillView.Status.READY);
        assertThat(registry.invoke("echo", input("a"), STUDENT).version()).isEqualTo("1.0.0");
        assertThat(registry.rejected().get("echo")).singleElement().asString()
                .startsWith("version 1.1.0 (").contains("does not load: switchboard.entry: the code does not load")
                .contains("version 1.0.0 (").endsWith("serves on");

        // The same broken files are not loaded again on the next read; a fix is.
        runtime.failing.clear();
        registry.reload();
        assertThat(registry.invoke("echo", input("a"), STUDENT).version()).isEqualTo("1.0.0");
        write("echo", "1.2.0", "");
        registry.reload();
        assertThat(registry.invoke("echo", input("a"), STUDENT).version()).isEqualTo("1.2.0");
        assertThat(registry.rejected()).isEmpty();
    }

    @Test
    void stoppingAnswersTheCallsStillWaiting() throws Exception {
        write("echo", "1.0.0", "");
        registry(Duration.ofSeconds(60));
        runtime.close();
        registry.read();
        CompletableFuture<SkillResult> call = CompletableFuture.supplyAsync(() -> registry.invoke("echo", input("hi"), STUDENT), threads);
        Thread.sleep(200);
        registry.close();
        assertThatThrownBy(() -> call.get(10, TimeUnit.SECONDS)).cause().isInstanceOfSatisfying(SkillException.class, e -> {
            assertThat(e.kind()).isEqualTo(SkillException.Kind.UNAVAILABLE);
            assertThat(e.getMessage()).contains("the host is stopping");
        });
    }
}
