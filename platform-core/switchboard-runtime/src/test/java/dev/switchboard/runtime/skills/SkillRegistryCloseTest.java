package dev.switchboard.runtime.skills;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Stopping the host while Python skills load does not wait for their warm-up. */
class SkillRegistryCloseTest {

    @TempDir
    Path dir;

    @Test
    void closeCutsAWarmUpShortInsteadOfWaitingForIt() throws Exception {
        spinner();
        SkillRegistry registry = new SkillRegistry(dir, new SkillInvoker(new SimpleMeterRegistry()), 1, Duration.ofSeconds(30), Duration.ZERO);
        Load load = Load.start(registry);
        // Once GraalPy is up the warm-up is running; give it a moment to enter the loop.
        load.awaitEngine();
        Thread.sleep(500);
        assertThat(load.ended.getCount()).as("the warm-up is still running").isEqualTo(1);

        // Far below the 40 s the warm-up would take.
        load.closeEndsIt();
    }

    @Test
    void closeWhileTheFirstContextIsBeingCreatedEndsTheLoadInsteadOfDeadlocking() throws Exception {
        // Right after the engine starts, the load's first context initializes Python under the
        // engine's lock; closing the engine then used to wait for that thread while it waited for
        // the lock (decision 0022). Closing at that moment must end both. The deadlock needs a
        // narrow window, so this does not reproduce it on every run; it does go through the path
        // that cancels the contexts being created.
        spinner();
        SkillRegistry registry = new SkillRegistry(dir, new SkillInvoker(new SimpleMeterRegistry()), 2, Duration.ofSeconds(30), Duration.ZERO);
        Load load = Load.start(registry);
        load.awaitEngine();
        assertThat(load.ended.getCount()).as("the load is still creating its contexts").isEqualTo(1);

        load.closeEndsIt();
    }

    /** A reload of the registry on its own thread. */
    private record Load(SkillRegistry registry, Thread thread, CountDownLatch ended) {

        static Load start(SkillRegistry registry) {
            CountDownLatch ended = new CountDownLatch(1);
            Thread thread = Thread.ofPlatform().start(() -> {
                try {
                    registry.reload();
                } catch (Exception e) {
                    // a load cut short
                } finally {
                    ended.countDown();
                }
            });
            return new Load(registry, thread, ended);
        }

        /** Returns as soon as the Python engine has started (the load goes on creating contexts). */
        void awaitEngine() throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!Boolean.TRUE.equals(registry.runtimes().get("python").get("started")) && System.nanoTime() < deadline) {
                Thread.sleep(1);
            }
        }

        /** Closes the registry: close() returns and the load ends. Hang checks, not timing assertions. */
        void closeEndsIt() throws InterruptedException {
            Thread close = Thread.ofPlatform().start(registry::close);
            close.join(TimeUnit.SECONDS.toMillis(20));
            assertThat(close.isAlive()).as("close() returned without waiting for the load").isFalse();
            assertThat(ended.await(30, TimeUnit.SECONDS)).as("the load ended").isTrue();
            assertThat(registry.list()).isEmpty();
            thread.join();
        }
    }

    @Test
    void aRuntimeClosedBeforeItsEngineStartsNeverStartsOne() throws Exception {
        // The shutdown came before the skills' load reached the engine: the load must end, not warm up.
        SkillManifest manifest = SkillManifestParser.parse(spinner());
        PythonSkillRuntime python = new PythonSkillRuntime(1, Duration.ofSeconds(30), Duration.ZERO);
        python.close();
        assertThatThrownBy(() -> python.prepare(manifest)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("the host is stopping");
        assertThat(python.status()).containsEntry("started", false);
    }

    /** A skill whose warm-up example never returns by itself: it would run to its timeout plus the 30 s allowance. */
    private Path spinner() throws Exception {
        Path folder = dir.resolve("spinner");
        Files.createDirectories(folder);
        Files.writeString(folder.resolve("skill.py"), """
                def run(value):
                    while True:
                        pass
                """);
        Files.writeString(folder.resolve("SKILL.md"), """
                ---
                name: spinner
                description: Spins.
                switchboard:
                  runtime: python
                  entry: skill.py:run
                  input_schema: {type: object, examples: [{}]}
                  timeout: 10s
                ---
                """);
        return folder;
    }
}
