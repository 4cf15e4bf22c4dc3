package dev.switchboard.runtime.files;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Watches a directory (and, when asked, the folders below it) and calls back once it has been
 * quiet for the debounce time, so a burst of events (a copy, a rename, an editor's save) is
 * applied once, whole. Hidden files and folders (the host's own {@code .switchboard} folder,
 * editors' temp files) are ignored.
 */
public final class DirectoryWatcher implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DirectoryWatcher.class);

    private final Path dir;
    private final String what;
    private final boolean recursive;
    private final Duration debounce;
    private final Runnable onChange;
    private final WatchService service;
    private final Thread thread;
    private final ScheduledExecutorService timer;
    private ScheduledFuture<?> pending;

    /**
     * @param what      what the directory holds, for thread names and log lines ({@code plugin}, {@code skill})
     * @param recursive also watch every (non-hidden) folder below, including those created later
     */
    public DirectoryWatcher(Path dir, String what, boolean recursive, Duration debounce, Runnable onChange) throws IOException {
        this.dir = dir;
        this.what = what;
        this.recursive = recursive;
        this.debounce = debounce;
        this.onChange = onChange;
        this.service = FileSystems.getDefault().newWatchService();
        this.timer = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("switchboard-" + what + "-watch-debounce").factory());
        register(dir);
        this.thread = Thread.ofPlatform().daemon().name("switchboard-" + what + "-watch").unstarted(this::run);
        thread.start();
    }

    private void register(Path folder) throws IOException {
        folder.register(service, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY,
                StandardWatchEventKinds.ENTRY_DELETE);
        if (recursive) {
            List<Path> children;
            try (Stream<Path> list = Files.list(folder)) {
                children = list.filter(Files::isDirectory).filter(child -> !hidden(child.getFileName())).toList();
            }
            for (Path child : children) {
                register(child);
            }
        }
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
                } else if (event.context() instanceof Path name && !hidden(name)) {
                    relevant = true;
                    if (recursive && event.kind() == StandardWatchEventKinds.ENTRY_CREATE && key.watchable() instanceof Path parent) {
                        registerNew(parent.resolve(name));
                    }
                }
            }
            if (relevant) {
                schedule();
            }
            if (!key.reset() && key.watchable().equals(dir)) {
                LOG.warn("The {} directory {} is no longer watched (was it deleted?)", what, dir);
                return;
            }
        }
    }

    private void registerNew(Path created) {
        if (Files.isDirectory(created)) {
            try {
                register(created);
            } catch (IOException e) {
                LOG.warn("Cannot watch {}: {}", created, e.getMessage());
            }
        }
    }

    private static boolean hidden(Path name) {
        return name.toString().startsWith(".");
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
