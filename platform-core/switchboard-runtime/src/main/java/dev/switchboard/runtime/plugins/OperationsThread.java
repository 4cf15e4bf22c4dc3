package dev.switchboard.runtime.plugins;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The one thread every plugin operation runs on, in order: directory changes, admin calls,
 * shutdown. What it runs owns the manager's slots; nothing else touches them.
 */
final class OperationsThread {

    private static final Logger LOG = LoggerFactory.getLogger(OperationsThread.class);

    private final ExecutorService thread = Executors.newSingleThreadExecutor(
            Thread.ofPlatform().name("switchboard-plugin-ops").factory());
    private volatile boolean closed;

    /** Runs the operation and waits for it; after {@link #close}, refuses with 503. */
    <T> T call(Callable<T> operation) {
        refuseWhenClosed();
        Future<T> future = thread.submit(() -> {
            refuseWhenClosed();
            return operation.call();
        });
        boolean interrupted = false;
        try {
            // Wait for the operation even when interrupted: it may be moving files the caller owns.
            while (true) {
                try {
                    return future.get();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) {
                throw new UncheckedIOException(io);
            }
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException(cause);
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Queues the task without waiting; dropped after {@link #close}. */
    void execute(String what, Runnable task) {
        if (closed) {
            return;
        }
        thread.execute(() -> {
            if (closed) {
                return;
            }
            try {
                task.run();
            } catch (RuntimeException e) {
                LOG.error("{} failed", what, e);
            }
        });
    }

    /**
     * Refuses new operations, runs this last one after those queued (waiting at most
     * {@code limit}), and stops the thread.
     */
    void close(Runnable last, Duration limit) {
        if (closed) {
            return;
        }
        closed = true;
        try {
            thread.submit(last).get(limit.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            LOG.error("Stopping the plugins failed", e.getCause());
        } catch (TimeoutException e) {
            LOG.warn("A plugin operation still runs after {} ms; stopping without it", limit.toMillis());
        }
        thread.shutdown();
    }

    boolean closed() {
        return closed;
    }

    private void refuseWhenClosed() {
        if (closed) {
            throw new PluginOperationException(503, "The host is shutting down.");
        }
    }
}
