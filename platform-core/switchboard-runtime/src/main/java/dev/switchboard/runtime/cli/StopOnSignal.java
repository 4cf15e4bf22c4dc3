package dev.switchboard.runtime.cli;

import dev.switchboard.runtime.config.ConfigOverride;
import dev.switchboard.runtime.server.Switchboard;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;

/**
 * The shutdown hook of a command that serves until stopped ({@code run}, {@code mcp --stdio}),
 * registered before the host starts: a SIGTERM that comes while the host starts (as readiness
 * goes UP, before the start returns) waits for the start to finish and then stops the host
 * gracefully, instead of ending the JVM with nobody stopping it.
 */
final class StopOnSignal {

    private final CompletableFuture<Switchboard> host = new CompletableFuture<>();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final Thread hook = Thread.ofPlatform().name("switchboard-shutdown").unstarted(this::stop);

    private StopOnSignal() {
    }

    /** Registers the hook. */
    static StopOnSignal install() {
        StopOnSignal signal = new StopOnSignal();
        Runtime.getRuntime().addShutdownHook(signal.hook);
        return signal;
    }

    /** Starts the host (see {@link HostOptions#start(List)}); the hook stops whatever this started. */
    HostOptions.Start start(HostOptions options, List<ConfigOverride> defaults) {
        HostOptions.Start start = null;
        try {
            start = options.start(defaults);
        } finally {
            host.complete(start == null ? null : start.host());
        }
        return start;
    }

    private void stop() {
        Switchboard started = host.join();
        if (started != null) {
            started.close();
        }
        stopped.countDown();
    }

    /** Waits until the hook has stopped the host. */
    void awaitStopped() throws InterruptedException {
        stopped.await();
    }

    /** The command ended by itself (its host is closed): the hook has nothing left to do. */
    void remove() {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // The JVM is shutting down already: the hook runs, and closing twice is harmless.
        }
    }
}
