package dev.switchboard.runtime.cli;

import dev.switchboard.runtime.config.ConfigOverride;
import dev.switchboard.runtime.server.Switchboard;

import java.time.Duration;
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

    /** How long the other shutdown hooks get once the host has stopped. */
    private static final Duration EXIT_GRACE = Duration.ofMillis(250);
    /** The signals the JVM turns into a shutdown, exiting with 128 + their number. */
    private static final List<String> STOP_SIGNALS = List.of("TERM", "INT", "HUP");

    /** 128 + the number of the signal that started the shutdown; 0 until one has. */
    private static volatile int signalStatus;

    private final CompletableFuture<Switchboard> host = new CompletableFuture<>();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final Thread hook = Thread.ofPlatform().name("switchboard-shutdown").unstarted(this::stop);

    private StopOnSignal() {
    }

    /** Registers the hook. */
    static StopOnSignal install() {
        StopOnSignal signal = new StopOnSignal();
        STOP_SIGNALS.forEach(StopOnSignal::observe);
        Runtime.getRuntime().addShutdownHook(signal.hook);
        return signal;
    }

    /**
     * Notes which signal starts the shutdown, then hands it to the JVM's own handler, which
     * starts it. A signal the JVM does not handle (ignored, as under {@code nohup}, or reserved
     * by {@code -Xrs}) is left as it was. {@code sun.misc.Signal} is in {@code jdk.unsupported},
     * kept by JEP 260 because no supported API tells which signal ended the JVM; javac warns about
     * it and no annotation silences that under {@code --release}.
     */
    private static void observe(String name) {
        try {
            sun.misc.Signal signal = new sun.misc.Signal(name);
            sun.misc.SignalHandler[] jvm = new sun.misc.SignalHandler[1];
            jvm[0] = sun.misc.Signal.handle(signal, received -> {
                signalStatus = 128 + received.getNumber();
                jvm[0].handle(received);
            });
            if (jvm[0] == sun.misc.SignalHandler.SIG_DFL || jvm[0] == sun.misc.SignalHandler.SIG_IGN) {
                sun.misc.Signal.handle(signal, jvm[0]);
            }
        } catch (IllegalArgumentException e) {
            // Reserved (-Xrs) or unknown on this OS: the JVM's behavior stays, without the exit guard.
        }
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
        exitAfter(EXIT_GRACE);
    }

    /**
     * Switchboard has stopped everything it owns; the JVM still waits for every other shutdown
     * hook. GraalPy's waits for the engine's lock, which a skill's context still being created holds
     * for seconds on a busy machine (see decision 0022). Past {@code grace} the process ends anyway,
     * with the status the JVM would have reported for the signal. A shutdown that no signal
     * started ({@code System.exit} in a plugin) keeps waiting: its status is not known here.
     */
    private static void exitAfter(Duration grace) {
        if (signalStatus == 0) {
            return;
        }
        Thread.ofPlatform().daemon().name("switchboard-exit").start(() -> {
            try {
                Thread.sleep(grace);
            } catch (InterruptedException e) {
                return;
            }
            System.err.println("switchboard: stopped; a library's shutdown hook still runs after " + grace.toMillis()
                    + " ms, exiting without it");
            System.err.flush();
            Runtime.getRuntime().halt(signalStatus);
        });
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
