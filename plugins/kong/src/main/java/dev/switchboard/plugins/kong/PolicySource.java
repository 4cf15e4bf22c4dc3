package dev.switchboard.plugins.kong;

import dev.switchboard.plugins.kong.policy.Policy;
import dev.switchboard.plugins.kong.policy.PolicyException;
import dev.switchboard.api.Schemas;
import dev.switchboard.plugins.kong.policy.PolicyParser;
import org.slf4j.Logger;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Instant;
import java.util.Arrays;
import java.util.function.Consumer;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The policy file and the policy last read from it. A change to the file is read again after a
 * short quiet period; a file that does not parse or validate is refused, logged with the offending
 * path, and reported by the health check, while the previous policy stays in force.
 */
final class PolicySource implements AutoCloseable {

    private static final long QUIET_MILLIS = 200;

    /** What the source holds now. {@code policy} is null only while no valid file was ever read. */
    record State(Policy policy, Instant loadedAt, String error, Instant errorAt, byte[] content) {
    }

    private final Path file;
    private final Logger log;
    private final Schemas schemas;
    private final AtomicReference<State> state = new AtomicReference<>(new State(null, null, null, null, null));
    private final Consumer<Policy> onChange;
    private WatchService watcher;
    private Thread thread;

    /** @param onChange told of every policy that comes into force, the first included */
    PolicySource(Path file, Logger log, Schemas schemas, Consumer<Policy> onChange) {
        this.file = file.toAbsolutePath().normalize();
        this.log = log;
        this.schemas = schemas;
        this.onChange = onChange;
    }

    Path file() {
        return file;
    }

    State state() {
        return state.get();
    }

    /**
     * Reads the file now.
     *
     * @return whether a new policy is in force
     */
    synchronized boolean reload() {
        byte[] content;
        try {
            content = Files.readAllBytes(file);
        } catch (IOException e) {
            return refuse("cannot read " + file + ": " + e);
        }
        State current = state.get();
        if (current.policy() != null && Arrays.equals(content, current.content()) && current.error() == null) {
            return false;
        }
        Policy policy;
        try {
            policy = PolicyParser.parse(content, file.toString(), schemas);
        } catch (PolicyException e) {
            return refuse(file + ": " + e.getMessage());
        }
        state.set(new State(policy, Instant.now(), null, null, content));
        policy.allPlugins().stream().filter(p -> p instanceof dev.switchboard.plugins.kong.policy.RateLimitConf limits
                        && limits.redis() != null && limits.redis().ssl() && !limits.redis().sslVerify())
                .map(p -> ((dev.switchboard.plugins.kong.policy.RateLimitConf) p).redis()).distinct()
                .forEach(redis -> log.warn("Kong policy: Redis {} uses TLS without ssl_verify (Kong's default): its certificate is not "
                        + "checked; set ssl_verify: true", redis));
        log.info("Kong policy {} loaded: {} consumers, {} JWT credentials, {} routes, global plugins {}", file,
                policy.consumerList().size(), policy.credentials().size(), policy.routes().size(), policy.global().keySet());
        onChange.accept(policy);
        return true;
    }

    private boolean refuse(String error) {
        State current = state.get();
        state.set(new State(current.policy(), current.loadedAt(), error, Instant.now(), current.content()));
        log.error("Kong policy refused, {}: {}", current.policy() == null ? "no policy is in force" : "the previous one stays in force", error);
        return false;
    }

    /** Starts watching the file's directory; changes are read on a platform thread of this plugin. */
    void watch() throws IOException {
        watcher = FileSystems.getDefault().newWatchService();
        file.getParent().register(watcher, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY,
                StandardWatchEventKinds.ENTRY_DELETE);
        thread = Thread.ofPlatform().daemon().name("kong-policy-watch").start(this::loop);
    }

    private void loop() {
        try {
            while (true) {
                WatchKey key = watcher.take();
                // Any change in the directory: a Kubernetes ConfigMap swaps a symlink (..data), not
                // the file; reload() reads the file and does nothing if its content is the same.
                key.pollEvents();
                key.reset();
                // Editors write in several steps: wait until the file has been quiet for a moment.
                WatchKey more;
                while ((more = watcher.poll(QUIET_MILLIS, TimeUnit.MILLISECONDS)) != null) {
                    more.pollEvents();
                    more.reset();
                }
                reload();
            }
        } catch (InterruptedException | ClosedWatchServiceException e) {
            // Stopped.
        } catch (RuntimeException e) {
            log.error("The Kong policy watcher stopped; edits to {} are no longer picked up", file, e);
        }
    }

    @Override
    public void close() {
        if (thread != null) {
            thread.interrupt();
        }
        if (watcher != null) {
            try {
                watcher.close();
            } catch (IOException e) {
                log.debug("closing the policy watcher", e);
            }
        }
        if (thread != null) {
            try {
                thread.join(2_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
