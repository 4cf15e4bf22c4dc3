package dev.switchboard.runtime.plugins;

import dev.switchboard.api.Events;
import dev.switchboard.api.HostRoute;
import dev.switchboard.api.PluginInfo;
import dev.switchboard.api.Skills;
import dev.switchboard.api.SwitchboardPlugin;
import dev.switchboard.runtime.http.JerseyApps;
import dev.switchboard.runtime.metrics.HostMeters;
import jakarta.servlet.ServletContext;
import org.glassfish.jersey.server.ResourceConfig;
import org.glassfish.jersey.server.model.Resource;
import org.glassfish.jersey.servlet.ServletContainer;
import org.pf4j.DefaultPluginDescriptor;
import org.pf4j.PluginDependency;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.lang.reflect.Constructor;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * Turns an inspected plugin jar into a live {@link PluginUnit}: copies the jar aside (so the file
 * in the plugin directory can be replaced or deleted at any time), makes its class loader, starts
 * its extensions, and builds and initializes its JAX-RS application, all before anything of it is
 * reachable. Any failure undoes what was done and comes back as a reason.
 */
final class UnitFactory {

    private static final Logger LOG = LoggerFactory.getLogger(UnitFactory.class);
    private static final AtomicLong COPIES = new AtomicLong();

    /** The result of building a unit. */
    sealed interface Built {
        record Ok(PluginUnit unit) implements Built {
        }

        /**
         * @param dependsOnOtherPlugins the failure (a route collision, a second plugin setting compression) may go away when other
         *                              plugins change, without a new jar
         */
        record Failed(String reason, boolean dependsOnOtherPlugins) implements Built {
            Failed(String reason) {
                this(reason, false);
            }
        }
    }

    /** This host's own folder of loaded jar copies, locked while the host runs. */
    private final Path activeDir;
    private final String hostVersion;
    private final HostMeters meters;
    private final Events events;
    private final Skills skills;
    private final Supplier<ServletContext> servletContext;
    private final Duration callTimeout;
    private final ClassLoader hostLoader = UnitFactory.class.getClassLoader();

    private final Supplier<List<HostRoute>> routes;

    UnitFactory(Path activeDir, String hostVersion, HostMeters meters, Events events, Skills skills,
                Supplier<ServletContext> servletContext, Duration callTimeout, Supplier<List<HostRoute>> routes) {
        this.routes = routes;
        this.activeDir = activeDir.resolve("run-" + UUID.randomUUID());
        this.hostVersion = hostVersion;
        this.meters = meters;
        this.events = events;
        this.skills = skills;
        this.servletContext = servletContext;
        this.callTimeout = callTimeout;
    }

    /**
     * @param dependencies the live units of this plugin's dependencies, the versions it will see
     * @param others       the other units that will be live next to it (for route conflicts)
     */
    Built build(PluginCandidate candidate, ObjectNode config, List<PluginUnit> dependencies, Collection<PluginUnit> others) {
        Path copy;
        try {
            lockActiveDir();
            copy = activeDir.resolve(candidate.id() + "-" + candidate.version() + "-" + COPIES.incrementAndGet() + ".jar");
            Files.copy(candidate.file(), copy, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            return new Built.Failed("cannot copy the jar for loading: " + e.getMessage());
        }

        DefaultPluginDescriptor descriptor = new DefaultPluginDescriptor(candidate.id(), candidate.description(),
                candidate.pluginClass(), candidate.version(), candidate.requires(), null, null);
        for (PluginDependency dependency : candidate.dependencies()) {
            descriptor.addDependency(dependency);
        }
        UnitClassLoader loader;
        try {
            loader = new UnitClassLoader(descriptor, copy, dependencies.stream().map(u -> (ClassLoader) u.loader()).toList(), hostLoader);
        } catch (RuntimeException e) {
            deleteQuietly(copy);
            return new Built.Failed("cannot create the class loader: " + Failures.describe(e));
        }

        List<SwitchboardPlugin> started = new ArrayList<>();
        PluginEvents pluginEvents = new PluginEvents(events, loader);
        org.pf4j.Plugin pf4jPlugin = null;
        ServletContainer container = null;
        try {
            // Constructors and static initializers are plugin code too: bounded like start().
            pf4jPlugin = candidate.pluginClass() == null ? null
                    : call(candidate, "creating Plugin-Class", loader, () -> newPf4jPlugin(candidate.pluginClass(), loader));
            List<SwitchboardPlugin> extensions = call(candidate, "creating the extensions", loader,
                    () -> instantiateExtensions(candidate, loader));
            if (pf4jPlugin != null) {
                org.pf4j.Plugin plugin = pf4jPlugin;
                call(candidate, "Plugin-Class start()", loader, () -> {
                    plugin.start();
                    return null;
                });
            }
            UnitPlatform platform = new UnitPlatform(new PluginInfo(candidate.id(), candidate.version()), hostVersion,
                    new SectionConfig(config), meters, pluginEvents, skills, loader, routes);
            for (SwitchboardPlugin extension : extensions) {
                started.add(extension);
                call(candidate, extension.getClass().getSimpleName() + ".start()", loader, () -> {
                    extension.start(platform);
                    return null;
                });
            }
            Contributions contributions = platform.seal();

            List<Resource> roots = JaxrsRoutes.rootResources(contributions.jaxrs());
            List<RouteInfo> routes = JaxrsRoutes.routes(roots);
            List<String> templates = JaxrsRoutes.rootTemplates(roots);
            List<String> conflicts = RouteTable.conflicts(candidate.id(), templates, routes, others);
            if (!conflicts.isEmpty()) {
                undo(candidate, started, pluginEvents, pf4jPlugin, container, loader, copy);
                return new Built.Failed("route collision: " + String.join("; ", conflicts), true);
            }
            Optional<PluginUnit> compressing = contributions.compression() == null ? Optional.empty()
                    : others.stream().filter(other -> other.compression() != null).findFirst();
            if (compressing.isPresent()) {
                undo(candidate, started, pluginEvents, pf4jPlugin, container, loader, copy);
                return new Built.Failed("response compression is already set by plugin '" + compressing.get().id()
                        + "'; only one live plugin may set it", true);
            }
            if (!contributions.jaxrs().isEmpty()) {
                ResourceConfig resources = JerseyApps.resourceConfig("plugin " + candidate.id(), loader);
                for (Object component : contributions.jaxrs()) {
                    if (component instanceof Class<?> type) {
                        resources.register(type);
                    } else if (component instanceof Resource resource) {
                        resources.registerResources(resource);
                    } else {
                        resources.register(component);
                    }
                }
                container = call(candidate, "JAX-RS application start", loader,
                        () -> JerseyApps.start(resources, servletContext.get(), "plugin-" + candidate.id() + "-" + candidate.version()));
            }
            return new Built.Ok(new PluginUnit(candidate, loader, copy, started, pluginEvents, pf4jPlugin, contributions, container, routes, templates,
                    dependencies));
        } catch (UnitException e) {
            undo(candidate, started, pluginEvents, pf4jPlugin, container, loader, copy);
            return new Built.Failed(e.getMessage());
        } catch (RuntimeException | LinkageError e) {
            LOG.warn("Plugin {} {} failed to start", candidate.id(), candidate.version(), e);
            undo(candidate, started, pluginEvents, pf4jPlugin, container, loader, copy);
            return new Built.Failed(Failures.describe(e));
        }
    }

    private FileChannel activeLock;

    /**
     * Creates this host's copy folder and locks it for the life of the process, so a later host
     * can tell a live folder (locked) from one a crashed host left behind (lockable: stale).
     */
    private synchronized void lockActiveDir() throws IOException {
        if (activeLock == null) {
            Files.createDirectories(activeDir);
            FileChannel channel = FileChannel.open(activeDir.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            channel.lock();
            activeLock = channel;
        }
    }

    /** Deletes the copy folders of hosts that are no longer running. */
    static void removeStaleCopies(Path activeRoot) {
        if (!Files.isDirectory(activeRoot)) {
            return;
        }
        try (DirectoryStream<Path> runs = Files.newDirectoryStream(activeRoot)) {
            for (Path run : runs) {
                if (!Files.isDirectory(run) || isLocked(run.resolve(".lock"))) {
                    continue;
                }
                try (Stream<Path> walk = Files.walk(run)) {
                    for (Path path : walk.sorted(Comparator.reverseOrder()).toList()) {
                        Files.deleteIfExists(path);
                    }
                }
            }
        } catch (IOException e) {
            LOG.debug("Cleaning {}", activeRoot, e);
        }
    }

    private static boolean isLocked(Path lockFile) {
        if (!Files.exists(lockFile)) {
            return false;
        }
        try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.WRITE)) {
            FileLock lock = channel.tryLock();
            if (lock == null) {
                return true;
            }
            lock.release();
            return false;
        } catch (OverlappingFileLockException e) {
            return true; // held by this very process
        } catch (IOException e) {
            return true; // cannot tell: keep it
        }
    }

    /** Stops and releases a unit that is no longer reachable. Failures are logged, never thrown. */
    void destroy(PluginUnit unit) {
        undo(unit.candidate(), unit.extensions(), unit.events(), unit.pf4jPlugin(), unit.container(), unit.loader(), unit.activeCopy());
    }

    private void undo(PluginCandidate candidate, List<SwitchboardPlugin> started, PluginEvents pluginEvents, org.pf4j.Plugin pf4jPlugin,
                      ServletContainer container, UnitClassLoader loader, Path copy) {
        pluginEvents.close();
        if (container != null) {
            try {
                container.destroy();
            } catch (RuntimeException e) {
                LOG.warn("Destroying the JAX-RS application of plugin {} {} failed", candidate.id(), candidate.version(), e);
            }
        }
        for (int i = started.size() - 1; i >= 0; i--) {
            SwitchboardPlugin extension = started.get(i);
            try {
                call(candidate, extension.getClass().getSimpleName() + ".stop()", loader, () -> {
                    extension.stop();
                    return null;
                });
            } catch (UnitException | RuntimeException e) {
                LOG.warn("Plugin {} {}: {}", candidate.id(), candidate.version(), e.getMessage());
            }
        }
        if (pf4jPlugin != null) {
            try {
                call(candidate, "Plugin-Class stop()", loader, () -> {
                    pf4jPlugin.stop();
                    return null;
                });
            } catch (UnitException | RuntimeException e) {
                LOG.warn("Plugin {} {}: {}", candidate.id(), candidate.version(), e.getMessage());
            }
        }
        try {
            loader.close();
        } catch (IOException e) {
            LOG.warn("Closing the class loader of plugin {} {} failed", candidate.id(), candidate.version(), e);
        }
        deleteQuietly(copy);
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.debug("Cannot delete {}", file, e);
        }
    }

    private List<SwitchboardPlugin> instantiateExtensions(PluginCandidate candidate, ClassLoader loader) throws UnitException {
        List<SwitchboardPlugin> extensions = new ArrayList<>();
        List<String> others = new ArrayList<>();
        for (String className : candidate.extensions()) {
            Class<?> type;
            try {
                type = loader.loadClass(className);
            } catch (ClassNotFoundException | LinkageError e) {
                throw new UnitException("extension " + className + " listed in the extension index cannot be loaded: " + Failures.describe(e));
            }
            if (!SwitchboardPlugin.class.isAssignableFrom(type)) {
                others.add(className);
                continue;
            }
            try {
                Constructor<?> constructor = type.getDeclaredConstructor();
                constructor.setAccessible(true);
                extensions.add((SwitchboardPlugin) constructor.newInstance());
            } catch (NoSuchMethodException e) {
                throw new UnitException(className + " needs a constructor without parameters");
            } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
                throw new UnitException("cannot create " + className + ": " + Failures.describe(e));
            }
        }
        if (extensions.isEmpty()) {
            throw new UnitException("no class in the extension index implements dev.switchboard.api.SwitchboardPlugin"
                    + (others.isEmpty() ? "" : " (found only " + String.join(", ", others) + ")"));
        }
        return extensions;
    }

    private static org.pf4j.Plugin newPf4jPlugin(String className, ClassLoader loader) throws UnitException {
        try {
            Class<?> type = loader.loadClass(className);
            if (!org.pf4j.Plugin.class.isAssignableFrom(type)) {
                throw new UnitException("Plugin-Class " + className + " does not extend org.pf4j.Plugin");
            }
            return (org.pf4j.Plugin) type.getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException | LinkageError e) {
            throw new UnitException("cannot create Plugin-Class " + className + ": " + Failures.describe(e));
        }
    }

    /**
     * Runs plugin code on its own thread with the plugin's class loader as context loader, and
     * waits for it at most the configured time: a plugin that hangs in start() or stop() must not
     * stall every other plugin operation. A thread that does not return is abandoned (and shows up
     * as a leak of that plugin version).
     */
    private <T> T call(PluginCandidate candidate, String what, ClassLoader loader, Callable<T> body) throws UnitException {
        FutureTask<T> task = new FutureTask<>(body);
        Thread thread = Thread.ofPlatform().daemon().name("plugin-" + candidate.id() + "-call").unstarted(task);
        thread.setContextClassLoader(loader);
        thread.start();
        try {
            return task.get(callTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            thread.interrupt();
            throw new UnitException(what + " did not return within " + callTimeout.toMillis() + " ms");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnitException unit) {
                throw unit;
            }
            throw new UnitException(what + " failed: " + Failures.describe(e.getCause()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UnitException(what + " was interrupted");
        }
    }

    /** A failure with a reason ready to show. */
    private static final class UnitException extends Exception {
        UnitException(String message) {
            super(message, null, false, false);
        }
    }
}
