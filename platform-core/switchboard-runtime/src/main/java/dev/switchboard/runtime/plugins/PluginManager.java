package dev.switchboard.runtime.plugins;

import dev.switchboard.api.Events;
import dev.switchboard.api.HealthCheck;
import dev.switchboard.api.HostRoute;
import dev.switchboard.api.PluginCommand;
import dev.switchboard.api.Skills;
import dev.switchboard.runtime.config.ConfigException;
import dev.switchboard.runtime.config.PluginSections;
import dev.switchboard.runtime.files.DirectoryWatcher;
import dev.switchboard.runtime.http.CoreRoutes;
import dev.switchboard.runtime.lang.ContextLoader;
import io.micrometer.core.instrument.Gauge;
import dev.switchboard.runtime.metrics.HostMeters;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.servlet.ServletContext;
import org.pf4j.PluginDependency;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * The plugin manager: keeps the live plugins in step with the jars in the plugin directory (and
 * with the operator's enable/disable choices), swapping them blue/green while the host serves.
 *
 * <p>Every operation runs on one thread, in order: directory changes, admin calls, shutdown.
 * An operation inspects what changed, builds the new plugin versions completely (class loader,
 * started extensions, initialized JAX-RS application) while the old ones keep serving, then
 * publishes a new {@link Generation} in one volatile write. Requests already inside the old
 * generation finish there; its retired versions are then destroyed, their class loaders closed
 * and watched for leaks. A plugin that fails to build fails alone: if it was replacing a live
 * version, that version keeps serving and the failure is reported as {@code rejected}.
 */
public final class PluginManager implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PluginManager.class);
    private static final Pattern PLAIN_JAR_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}\\.jar");

    /** How the manager is set up. */
    public record Options(Path dir, boolean watch, Duration debounce, Duration drainTimeout, Duration callTimeout,
                          Duration leakCheckDelay, long maxUpload, String hostVersion) {
    }

    /** The outcome of an upload: the plugin as it now is, and whether it was new. */
    public record Upload(PluginView plugin, boolean created) {
    }

    private final Options options;
    private final Path stateDir;
    private final PluginDirectory directory;
    private final PluginSections sections;
    private final PluginJarInspector inspector;
    private final UnitFactory factory;
    private final DisabledPlugins disabled;
    private final LeakDetector leaks;
    private final Timer swapTimer;
    private final Retirements retirements;
    private final OperationsThread ops = new OperationsThread();
    private final PluginViews views = new PluginViews();

    // Owned by the operations thread.
    /** One slot per jar in the plugin directory, by file name. */
    private final Map<String, PluginSlot> slots = new TreeMap<>();
    private long generations;
    private DirectoryWatcher watcher;

    private volatile Generation current = new Generation(0, Map.of());

    public PluginManager(Options options, PluginSections sections, HostMeters hostMeters, Events events, Skills skills,
                         Supplier<ServletContext> servletContext) {
        this.options = options;
        MeterRegistry meters = hostMeters.registry();
        this.stateDir = options.dir().resolve(".switchboard");
        this.directory = new PluginDirectory(options.dir(), stateDir.resolve("staging"));
        this.sections = sections;
        this.inspector = new PluginJarInspector(options.hostVersion());
        this.factory = new UnitFactory(stateDir.resolve("active"), options.hostVersion(), hostMeters, events, skills, servletContext,
                options.callTimeout(), this::hostRoutes);
        this.disabled = new DisabledPlugins(stateDir.resolve("state.json"));
        this.leaks = new LeakDetector(options.leakCheckDelay());
        this.retirements = new Retirements(options.drainTimeout(), factory, leaks);
        this.swapTimer = Timer.builder("switchboard.plugins.swap")
                .description("Time to apply a change to the plugin set, from inspection to the new generation going live")
                .publishPercentiles(0.5, 0.99)
                .register(meters);
        for (PluginState state : PluginState.values()) {
            Gauge.builder("switchboard.plugins", this, m -> m.views.all().stream().filter(v -> v.state() == state).count())
                    .description("Plugins by state").tag("state", state.name()).register(meters);
        }
        Gauge.builder("switchboard.plugins.generation", this, m -> m.current.number())
                .description("Number of the live plugin-app generation").register(meters);
    }

    /** Creates the directories, loads every plugin in the directory and starts watching it. */
    public void start() throws IOException {
        directory.prepare();
        UnitFactory.removeStaleCopies(stateDir.resolve("active"));
        // Watch first: a jar dropped while the first load runs then triggers another pass.
        if (options.watch()) {
            watcher = new DirectoryWatcher(options.dir(), "plugin", false, options.debounce(), this::requestReconcile);
        }
        ops.call(() -> {
            reconcile(Set.of());
            return null;
        });
    }

    /** The live generation: what requests are routed and filtered with. */
    public Generation current() {
        return current;
    }

    /** A request's way into the live generation; pair every successful call with {@link Generation#exit()}. */
    public Generation enterCurrent() {
        while (true) {
            Generation generation = current;
            if (generation.enter()) {
                return generation;
            }
            Thread.onSpinWait();
        }
    }

    /** The requests inside plugin generations now, the live one and those still draining. */
    public long activeRequests() {
        return current.activeRequests() + retirements.activeRequests();
    }

    public List<PluginView> list() {
        return views.all();
    }

    /** The routes the host serves now: its own, then those of the started plugins. */
    public List<HostRoute> hostRoutes() {
        List<HostRoute> routes = new ArrayList<>(CoreRoutes.HOST_ROUTES);
        for (PluginView view : views.all()) {
            if (view.state() == PluginState.STARTED) {
                for (RouteInfo route : view.routes()) {
                    routes.add(new HostRoute(route.method(), route.path(), view.id(), false));
                }
            }
        }
        return List.copyOf(routes);
    }

    /** A command a live plugin added to the command line, with the class loader to run it under. */
    public record LiveCommand(String pluginId, String name, String description, PluginCommand command, ClassLoader loader) {
    }

    /** The commands of the live plugins, by plugin id and then by name. */
    public Map<String, Map<String, LiveCommand>> commands() {
        Map<String, Map<String, LiveCommand>> all = new TreeMap<>();
        for (PluginUnit unit : current.units().values()) {
            unit.commands().forEach((name, command) -> all.computeIfAbsent(unit.id(), id -> new TreeMap<>())
                    .put(name, new LiveCommand(unit.id(), name, command.description(), command.command(), unit.loader())));
        }
        return all;
    }

    /** The plugin with this id (the live or winning jar when two declare it). */
    public Optional<PluginView> get(String id) {
        return views.get(id);
    }

    /**
     * The health checks of the plugins of a generation (hold it with {@link #enterCurrent()}
     * while they run), by plugin id and check name; each runs with its plugin's class loader as
     * context loader.
     */
    public Map<String, Map<String, HealthCheck>> healthChecks(Generation generation) {
        Map<String, Map<String, HealthCheck>> all = new TreeMap<>();
        for (PluginUnit unit : generation.units().values()) {
            if (unit.healthChecks().isEmpty()) {
                continue;
            }
            Map<String, HealthCheck> checks = new TreeMap<>();
            unit.healthChecks().forEach((name, check) -> checks.put(name, () -> ContextLoader.call(unit.loader(), check::check)));
            all.put(unit.id(), checks);
        }
        return all;
    }

    public LeakDetector.Summary leaks() {
        return leaks.summary();
    }

    public void addListener(Consumer<PluginEvent> listener) {
        views.addListener(listener);
    }

    /** Applies the plugin directory as it is now (called by the watcher; safe to call any time). */
    public void requestReconcile() {
        ops.execute("Applying the plugin directory", () -> reconcile(Set.of()));
    }

    public PluginView enable(String id) {
        return ops.call(() -> {
            requireKnown(id);
            disabled.set(id, false);
            reconcile(Set.of());
            return view(id);
        });
    }

    public PluginView disable(String id) {
        return ops.call(() -> {
            requireKnown(id);
            disabled.set(id, true);
            reconcile(Set.of());
            return view(id);
        });
    }

    /** Builds the plugin afresh from its jar (new class loader, new start) and swaps it in. */
    public PluginView reload(String id) {
        return ops.call(() -> {
            requireKnown(id);
            reconcile(Set.of(id));
            return view(id);
        });
    }

    /** Removes the plugin: stops it and deletes its jar(s) from the plugin directory. */
    public void delete(String id) {
        ops.call(() -> {
            requireKnown(id);
            for (PluginSlot slot : List.copyOf(slots.values())) {
                if (slot.id().equals(id)) {
                    Files.deleteIfExists(directory.resolve(slot.file()));
                }
            }
            disabled.set(id, false);
            reconcile(Set.of());
            return null;
        });
    }

    /**
     * Installs or replaces a plugin from an uploaded jar. The jar is checked, and tried, before
     * the plugin directory keeps it: a jar that is rejected, or whose plugin fails to start,
     * leaves the directory and the live plugins exactly as they were.
     *
     * @param fileName the name to store it under, or null for {@code <id>.jar}
     * @param replace  whether an installed plugin with the same id may be replaced
     */
    public Upload upload(InputStream body, String fileName, boolean replace) {
        if (fileName != null && (!PLAIN_JAR_NAME.matcher(fileName).matches() || fileName.contains(".."))) {
            throw new PluginOperationException(400, "The file name '" + fileName
                    + "' is not allowed: give a plain name ending in .jar, without directories (letters, digits, '.', '_' and '-').");
        }
        Path staged = null;
        try {
            staged = directory.newUpload();
            long size = PluginDirectory.copyLimited(body, staged, options.maxUpload());
            if (size < 0) {
                throw new PluginOperationException(413, "The plugin jar is larger than plugins.max_upload ("
                        + options.maxUpload() + " bytes).");
            }
            if (size == 0) {
                throw new PluginOperationException(400, "The request body is empty: send the plugin jar as the body.");
            }
            Path jar = staged;
            return ops.call(() -> applyUpload(jar, fileName, replace));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot store the uploaded jar", e);
        } finally {
            try {
                if (staged != null) {
                    Files.deleteIfExists(staged);
                }
            } catch (IOException e) {
                LOG.debug("Cannot delete {}", staged, e);
            }
        }
    }

    private Upload applyUpload(Path staged, String fileName, boolean replace) throws IOException {
        Inspection inspection = inspector.inspect(staged);
        if (inspection instanceof Inspection.Rejected rejected) {
            throw new PluginOperationException(422, "The jar was rejected: " + rejected.reason() + ".");
        }
        PluginCandidate candidate = ((Inspection.Accepted) inspection).candidate();
        // The jar that provides the id: the live one, else an accepted one, else any (a broken jar).
        PluginSlot existing = slots.values().stream().filter(slot -> slot.id().equals(candidate.id()) && !slot.duplicate())
                .min(Comparator.comparingInt(slot -> slot.unit() != null ? 0 : slot.inspection() instanceof Inspection.Accepted ? 1 : 2))
                .orElse(null);
        String target;
        if (existing != null) {
            if (!replace) {
                throw new PluginOperationException(409, "Plugin '" + candidate.id() + "' " + existing.version() + " is already installed (from "
                        + existing.file() + "); upload with ?replace=true to replace it.");
            }
            target = existing.file();
        } else {
            target = fileName != null ? fileName : candidate.id() + ".jar";
            if (Files.exists(directory.resolve(target))) {
                PluginSlot holder = slots.get(target);
                throw new PluginOperationException(409, "The plugin directory already has a file named " + target
                        + (holder == null ? "" : " (plugin '" + holder.id() + "')") + "; choose another file name.");
            }
        }
        PluginDirectory.Placement placement = directory.place(staged, target, existing != null);
        reconcile(Set.of());

        PluginSlot slot = slots.get(target);
        String failure = slot == null ? "the jar disappeared from the plugin directory" : slot.failure();
        if (failure == null) {
            placement.keep();
            return new Upload(view(candidate.id()), existing == null);
        }
        // Put everything back as it was.
        if (placement.undo() && slot != null) {
            slot.restored(FileStamp.orNull(placement.target()));
        }
        reconcile(Set.of());
        throw new PluginOperationException(422, "Plugin '" + candidate.id() + "' " + candidate.version()
                + " failed to start, so it was not installed: " + failure);
    }

    // ---------------------------------------------------------------------------------------
    // Reconciliation: the heart of the manager. Operations thread only.

    private void reconcile(Set<String> reload) {
        long startedNanos = System.nanoTime();
        List<PluginUnit> retiring = new ArrayList<>();
        // When the directory cannot be listed for now, every jar stays as it is.
        Map<String, Path> jars = directory.jars(slots.keySet());

        // Jars that are gone.
        for (Iterator<PluginSlot> it = slots.values().iterator(); it.hasNext(); ) {
            PluginSlot slot = it.next();
            if (!jars.containsKey(slot.file())) {
                addIfPresent(retiring, slot.unit());
                it.remove();
            }
        }
        // Jars that are new or changed (or to reload): inspect them.
        for (Map.Entry<String, Path> jar : jars.entrySet()) {
            PluginSlot slot = slots.computeIfAbsent(jar.getKey(), PluginSlot::new);
            FileStamp stamp = FileStamp.orNull(jar.getValue());
            if (stamp == null) {
                // Gone between the listing and now; a later event will tell what replaced it.
                if (slot.inspection() == null) {
                    slots.remove(jar.getKey());
                }
                continue;
            }
            if (!stamp.sameAs(slot.stamp()) || reload.contains(slot.id())) {
                addIfPresent(retiring, slot.inspected(inspector.inspect(jar.getValue()), stamp));
            }
        }

        Map<String, PluginSlot> winners = chooseWinners(retiring);
        SortedMap<String, List<String>> needs = new TreeMap<>();
        winners.forEach((id, slot) -> needs.put(id, slot.candidate().dependencies().stream().map(PluginDependency::getPluginId).toList()));
        DependencyGraph.Order order = DependencyGraph.order(needs);

        Map<String, PluginUnit> next = new LinkedHashMap<>();
        Set<PluginUnit> fresh = Collections.newSetFromMap(new IdentityHashMap<>());
        Function<String, PluginDecision.Installed> installed = id -> {
            PluginSlot provider = winners.get(id);
            return provider == null ? null : new PluginDecision.Installed(provider.version(), provider.state());
        };
        for (String id : order.order()) {
            PluginSlot slot = winners.get(id);
            try {
                Collection<PluginUnit> others = othersFor(id, next, winners);
                PluginDecision.Outcome outcome = PluginDecision.decide(slot.facts(reload.contains(id), disabled.contains(id),
                        order.cycles().get(id), routeSignature(others), installed, next));
                if (outcome instanceof PluginDecision.Outcome.Build build) {
                    outcome = build(slot, build, others, retiring);
                }
                switch (outcome) {
                    case PluginDecision.Outcome.Build started -> {
                        // The slot holds the new unit.
                        next.put(id, slot.unit());
                        fresh.add(slot.unit());
                    }
                    case PluginDecision.Outcome.Keep keep -> {
                        slot.apply(keep);
                        next.put(id, slot.unit());
                    }
                    case PluginDecision.Outcome.KeepServing keep -> {
                        LOG.warn("Plugin {} {} was not swapped in, {} keeps serving: {}", id, keep.version(), slot.unit().version(),
                                keep.reason());
                        slot.apply(keep);
                        next.put(id, slot.unit());
                    }
                    case PluginDecision.Outcome.Stop stop -> addIfPresent(retiring, slot.apply(stop));
                    case PluginDecision.Outcome.Wait wait -> slot.apply(wait);
                }
            } catch (RuntimeException | LinkageError e) {
                // A defect must cost one plugin, not the whole pass (and with it every other change).
                LOG.error("Applying plugin {} failed", id, e);
                addIfPresent(retiring, slot.failedInternally(Failures.describe(e), next.get(id)));
            }
        }
        slots.values().forEach(PluginSlot::settled);

        if (!PluginDecision.sameUnits(List.copyOf(current.units().values()), List.copyOf(next.values())) || !retiring.isEmpty()) {
            Generation previous = current;
            Generation generation = new Generation(++generations, next);
            current = generation;
            // After the switch: a new version's subscriptions deliver once it is live, not before.
            fresh.forEach(unit -> unit.wentLiveIn(generation.number()));
            retirements.superseded(previous);
            retiring.forEach(PluginUnit::superseded);
            retirements.retire(retiring);
            views.emit(new PluginEvent.GenerationLive(generation.number(), Instant.now()));
            LOG.info("Plugin generation {} is live: {}", generation.number(),
                    next.isEmpty() ? "no plugins" : String.join(", ", next.values().stream().map(PluginUnit::toString).toList()));
            swapTimer.record(System.nanoTime() - startedNanos, TimeUnit.NANOSECONDS);
        }
        views.publish(slots.values(), current.number());
    }

    /**
     * Builds the plugin's jar. Returns the build itself when the new unit is live in the slot
     * (the unit it replaced retires), else what the failure leads to.
     */
    private PluginDecision.Outcome build(PluginSlot slot, PluginDecision.Outcome.Build build, Collection<PluginUnit> others,
                                         List<PluginUnit> retiring) {
        PluginCandidate candidate = slot.candidate();
        ObjectNode config;
        try {
            config = sections.resolve(candidate.id(), candidate.configSchema());
        } catch (ConfigException e) {
            return build.failed(candidate.version(), "invalid configuration: " + String.join("; ", e.problems()), "");
        }
        UnitFactory.Built built = factory.build(candidate, config, build.dependencies(), others);
        return switch (built) {
            case UnitFactory.Built.Ok ok -> {
                addIfPresent(retiring, slot.started(ok.unit()));
                yield build;
            }
            case UnitFactory.Built.Failed failed -> build.failed(candidate.version(), failed.reason(),
                    failed.dependsOnOtherPlugins() ? routeSignature(others) : "");
        };
    }

    private static void addIfPresent(List<PluginUnit> retiring, PluginUnit unit) {
        if (unit != null) {
            retiring.add(unit);
        }
    }

    /**
     * What a failure that depends on other plugins (a route collision, a second plugin setting
     * compression) depends on: the other live plugins' root paths, and which of them compresses.
     */
    private static String routeSignature(Collection<PluginUnit> others) {
        return others.stream().map(u -> u.id() + "=" + u.rootTemplates() + (u.compression() != null ? "+compression" : ""))
                .sorted().toList().toString();
    }

    /** Picks, per plugin id, the one jar that provides it; the others are duplicates. */
    private Map<String, PluginSlot> chooseWinners(List<PluginUnit> retiring) {
        Map<String, PluginSlot> winners = new TreeMap<>();
        for (PluginSlot slot : slots.values()) {
            slot.contending();
            if (!slot.usable()) {
                slot.unusable();
                continue;
            }
            String id = slot.id();
            PluginSlot holder = winners.get(id);
            if (holder == null) {
                winners.put(id, slot);
            } else if (slot.unit() != null && holder.unit() == null) {
                // The live one keeps the id.
                winners.put(id, slot);
                addIfPresent(retiring, holder.duplicateOf(slot));
            } else {
                addIfPresent(retiring, slot.duplicateOf(holder));
            }
        }
        return winners;
    }

    /** Units that will be live next to plugin {@code id}: those decided so far, and those not yet reconsidered. */
    private static Collection<PluginUnit> othersFor(String id, Map<String, PluginUnit> next, Map<String, PluginSlot> winners) {
        List<PluginUnit> others = new ArrayList<>(next.values());
        winners.forEach((other, slot) -> {
            if (!other.equals(id) && !next.containsKey(other) && slot.unit() != null) {
                others.add(slot.unit());
            }
        });
        return others;
    }

    private PluginView view(String id) {
        return get(id).orElseThrow(() -> new PluginOperationException(404, "No plugin with id '" + id + "'."));
    }

    private void requireKnown(String id) {
        if (slots.values().stream().noneMatch(slot -> slot.id().equals(id))) {
            throw new PluginOperationException(404, "No plugin with id '" + id + "'.");
        }
    }

    /**
     * Stops every plugin (after the requests inside them finished, within the drain time) and
     * the manager's threads. Called once the server no longer accepts requests.
     */
    @Override
    public void close() {
        if (ops.closed()) {
            return;
        }
        if (watcher != null) {
            watcher.close();
        }
        Duration limit = options.drainTimeout().plus(options.callTimeout()).plusSeconds(1);
        ops.close(() -> {
            Generation previous = current;
            current = new Generation(++generations, Map.of());
            retirements.superseded(previous);
            // The live units, and any a slot still holds; retirement takes each once.
            List<PluginUnit> all = new ArrayList<>(previous.units().values());
            slots.values().forEach(slot -> addIfPresent(all, slot.shutDown()));
            all.forEach(PluginUnit::superseded);
            retirements.retire(all);
            views.publish(slots.values(), current.number());
        }, limit);
        retirements.finish(limit);
        leaks.close();
    }
}
