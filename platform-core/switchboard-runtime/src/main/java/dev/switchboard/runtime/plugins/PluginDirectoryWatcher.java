package dev.switchboard.runtime.plugins;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Watches the plugin directory and asks for a reconciliation once it has been quiet for the
 * debounce time, so a burst of events (a copy, a rename, a delete) is applied once, whole.
 * Hidden files (the host's own {@code .switchboard} folder, editors' temp files) are ignored.
 */
final class PluginDirectoryWatcher implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PluginDirectoryWatcher.class);

    private final Path dir;
    private final Duration debounce;
    private final Runnable onChange;
    private final WatchService service;
    private final Thread thread;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("switchboard-plugin-watch-debounce").factory());
    private ScheduledFuture<?> pending;

    PluginDirectoryWatcher(Path dir, Duration debounce, Runnable onChange) throws IOException {
        this.dir = dir;
        this.debounce = debounce;
        this.onChange = onChange;
        this.service = FileSystems.getDefault().newWatchService();
        dir.register(service, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY,
                StandardWatchEventKinds.ENTRY_DELETE);
        this.thread = Thread.ofPlatform().daemon().name("switchboard-plugin-watch").unstarted(this::run);
        thread.start();
    }

    private void run() {
        while (true) {
            WatchKey key;
            try {
                key = service.take();
            } catch (InterruptedException | ClosedWatchServiceException e) {
                return;
            }
            boolean relevant = false;
            for (WatchEvent<?> event : key.pollEvents()) {
                if (event.kind() == StandardWatchEventKinds.OVERFLOW) {
                    relevant = true;
                } else if (event.context() instanceof Path name && !name.toString().startsWith(".")) {
                    relevant = true;
                }
            }
            if (relevant) {
                schedule();
            }
            if (!key.reset()) {
                LOG.warn("The plugin directory {} is no longer watched (was it deleted?)", dir);
                return;
            }
        }
    }

    private synchronized void schedule() {
        if (pending != null) {
            pending.cancel(false);
        }
        pending = timer.schedule(onChange, debounce.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        try {
            service.close();
        } catch (IOException e) {
            LOG.debug("Closing the watch service", e);
        }
        thread.interrupt();
        timer.shutdownNow();
    }
}
