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
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.servlet.ServletContext;
import org.pf4j.PluginDependency;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
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
    private final Path stagingDir;
    private final PluginSections sections;
    private final PluginJarInspector inspector;
    private final UnitFactory factory;
    private final DisabledPlugins disabled;
    private final LeakDetector leaks;
    private final Timer swapTimer;
    private final ExecutorService ops = Executors.newSingleThreadExecutor(
            Thread.ofPlatform().name("switchboard-plugin-ops").factory());
    private final List<Consumer<PluginEvent>> listeners = new CopyOnWriteArrayList<>();
    private final CopyOnWriteArrayList<Generation> draining = new CopyOnWriteArrayList<>();
    /**
     * Retirements run one after another, in the order they were decided, so a dependency retired
     * by a later operation never closes before a dependent retired by an earlier one.
     */
    private final ExecutorService retirements = Executors.newSingleThreadExecutor(
            Thread.ofVirtual().name("switchboard-plugin-retire").factory());

    // Owned by the operations thread.
    private final Map<String, Record> records = new TreeMap<>();
    private long generations;
    private DirectoryWatcher watcher;

    private volatile Generation current = new Generation(0, Map.of());
    private volatile List<PluginView> views = List.of();
    /** The view of the jar that provides each id (not a duplicate), published with {@link #views}. */
    private volatile Map<String, PluginView> viewsById = Map.of();
    private volatile boolean closed;

    public PluginManager(Options options, PluginSections sections, MeterRegistry meters, Events events, Skills skills,
                         Supplier<ServletContext> servletContext) {
        this.options = options;
        this.stateDir = options.dir().resolve(".switchboard");
        this.stagingDir = stateDir.resolve("staging");
        this.sections = sections;
        this.inspector = new PluginJarInspector(options.hostVersion());
        this.factory = new UnitFactory(stateDir.resolve("active"), options.hostVersion(), meters, events, skills, servletContext,
                options.callTimeout(), this::hostRoutes);
        this.disabled = new DisabledPlugins(stateDir.resolve("state.json"));
        this.leaks = new LeakDetector(options.leakCheckDelay());
        this.swapTimer = Timer.builder("switchboard.plugins.swap")
                .description("Time to apply a change to the plugin set, from inspection to the new generation going live")
                .publishPercentiles(0.5, 0.99)
                .register(meters);
        for (PluginState state : PluginState.values()) {
            Gauge.builder("switchboard.plugins", this, m -> m.views.stream().filter(v -> v.state() == state).count())
                    .description("Plugins by state").tag("state", state.name()).register(meters);
        }
        Gauge.builder("switchboard.plugins.generation", this, m -> m.current.number())
                .description("Number of the live plugin-app generation").register(meters);
    }

    /** Creates the directories, loads every plugin in the directory and starts watching it. */
    public void start() throws IOException {
        Files.createDirectories(options.dir());
        Files.createDirectories(stagingDir);
        removeStaleCopies();
        // Watch first: a jar dropped while the first load runs then triggers another pass.
        if (options.watch()) {
            watcher = new DirectoryWatcher(options.dir(), "plugin", false, options.debounce(), this::requestReconcile);
        }
        run(() -> {
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

    public List<PluginView> list() {
        return views;
    }

    /** The routes the host serves now: its own, then those of the started plugins. */
    public List<HostRoute> hostRoutes() {
        List<HostRoute> routes = new ArrayList<>(CoreRoutes.HOST_ROUTES);
        for (PluginView view : views) {
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
        return Optional.ofNullable(viewsById.get(id));
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
            unit.healthChecks().forEach((name, check) -> checks.put(name, () -> {
                Thread thread = Thread.currentThread();
                ClassLoader previous = thread.getContextClassLoader();
                thread.setContextClassLoader(unit.loader());
                try {
                    return check.check();
                } finally {
                    thread.setContextClassLoader(previous);
                }
            }));
            all.put(unit.id(), checks);
        }
        return all;
    }

    public LeakDetector.Summary leaks() {
        return leaks.summary();
    }

    public void addListener(Consumer<PluginEvent> listener) {
        listeners.add(listener);
    }

    /** Applies the plugin directory as it is now (called by the watcher; safe to call any time). */
    public void requestReconcile() {
        if (closed) {
            return;
        }
        ops.execute(() -> {
            if (closed) {
                return;
            }
            try {
                reconcile(Set.of());
            } catch (RuntimeException e) {
                LOG.error("Applying the plugin directory failed", e);
            }
        });
    }

    public PluginView enable(String id) {
        return run(() -> {
            requireKnown(id);
            disabled.set(id, false);
            reconcile(Set.of());
            return view(id);
        });
    }

    public PluginView disable(String id) {
        return run(() -> {
            requireKnown(id);
            disabled.set(id, true);
            reconcile(Set.of());
            return view(id);
        });
    }

    /** Builds the plugin afresh from its jar (new class loader, new start) and swaps it in. */
    public PluginView reload(String id) {
        return run(() -> {
            requireKnown(id);
            reconcile(Set.of(id));
            return view(id);
        });
    }

    /** Removes the plugin: stops it and deletes its jar(s) from the plugin directory. */
    public void delete(String id) {
        run(() -> {
            requireKnown(id);
            for (Record record : List.copyOf(records.values())) {
                if (record.id().equals(id)) {
                    Files.deleteIfExists(options.dir().resolve(record.file));
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
        Path staged = stagingDir.resolve("upload-" + UUID.randomUUID() + ".jar");
        try {
            Files.createDirectories(stagingDir);
            long size = copyLimited(body, staged, options.maxUpload());
            if (size < 0) {
                throw new PluginOperationException(413, "The plugin jar is larger than plugins.max_upload ("
                        + options.maxUpload() + " bytes).");
            }
            if (size == 0) {
                throw new PluginOperationException(400, "The request body is empty: send the plugin jar as the body.");
            }
            return run(() -> applyUpload(staged, fileName, replace));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot store the uploaded jar", e);
        } finally {
            try {
                Files.deleteIfExists(staged);
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
        Record existing = records.values().stream().filter(r -> r.id().equals(candidate.id()) && !r.duplicate)
                .min(Comparator.comparingInt(r -> r.unit != null ? 0 : r.inspection instanceof Inspection.Accepted ? 1 : 2))
                .orElse(null);
        String target;
        if (existing != null) {
            if (!replace) {
                throw new PluginOperationException(409, "Plugin '" + candidate.id() + "' " + existing.version() + " is already installed (from "
                        + existing.file + "); upload with ?replace=true to replace it.");
            }
            target = existing.file;
        } else {
            target = fileName != null ? fileName : candidate.id() + ".jar";
            if (Files.exists(options.dir().resolve(target))) {
                Record holder = records.get(target);
                throw new PluginOperationException(409, "The plugin directory already has a file named " + target
                        + (holder == null ? "" : " (plugin '" + holder.id() + "')") + "; choose another file name.");
            }
        }
        Path targetPath = options.dir().resolve(target);
        Path backup = null;
        if (existing != null) {
            backup = stagingDir.resolve("backup-" + UUID.randomUUID() + ".jar");
            move(targetPath, backup);
        }
        try {
            move(staged, targetPath);
        } catch (IOException e) {
            if (backup != null) {
                move(backup, targetPath);
            }
            throw e;
        }
        reconcile(Set.of());

        Record record = records.get(target);
        String failure = record == null ? "the jar disappeared from the plugin directory"
                : record.rejected != null ? record.rejected.reason()
                : record.state == PluginState.FAILED ? record.reason : null;
        if (failure == null) {
            if (backup != null) {
                Files.deleteIfExists(backup);
            }
            return new Upload(view(candidate.id()), existing == null);
        }
        // Put everything back as it was.
        Files.deleteIfExists(targetPath);
        if (backup != null) {
            move(backup, targetPath);
            if (record != null && record.unit != null) {
                record.stamp = FileStamp.orNull(targetPath);
                record.inspection = new Inspection.Accepted(record.unit.candidate());
                record.rejected = null;
                record.state = PluginState.STARTED;
                record.reason = null;
            }
        }
        reconcile(Set.of());
        throw new PluginOperationException(422, "Plugin '" + candidate.id() + "' " + candidate.version()
                + " failed to start, so it was not installed: " + failure);
    }

    // ---------------------------------------------------------------------------------------
    // Reconciliation: the heart of the manager. Operations thread only.

    private void reconcile(Set<String> reload) {
        long startedNanos = System.nanoTime();
        Map<String, PluginView> before = viewsByFile();
        List<PluginUnit> retiring = new ArrayList<>();
        Map<String, Path> jars = scanDirectory();

        // Jars that are gone.
        for (Iterator<Map.Entry<String, Record>> it = records.entrySet().iterator(); it.hasNext(); ) {
            Record record = it.next().getValue();
            if (!jars.containsKey(record.file)) {
                if (record.unit != null) {
                    retiring.add(record.unit);
                }
                it.remove();
            }
        }
        // Jars that are new or changed (or to reload): inspect them.
        for (Map.Entry<String, Path> jar : jars.entrySet()) {
            Record record = records.computeIfAbsent(jar.getKey(), Record::new);
            FileStamp stamp = FileStamp.orNull(jar.getValue());
            if (stamp == null) {
                // Gone between the listing and now; a later event will tell what replaced it.
                if (record.inspection == null) {
                    records.remove(jar.getKey());
                }
                continue;
            }
            boolean changed = record.stamp == null || !stamp.sameAs(record.stamp);
            if (changed || reload.contains(record.id())) {
                record.inspection = inspector.inspect(jar.getValue());
                record.stamp = stamp;
                record.dirty = true;
                if (record.unit != null && record.inspection instanceof Inspection.Accepted accepted
                        && !accepted.candidate().id().equals(record.unit.id())) {
                    // The file now holds another plugin: the one it held is gone.
                    retiring.add(record.unit);
                    record.unit = null;
                    record.rejected = null;
                }
            }
        }

        Map<String, Record> winners = chooseWinners(retiring);
        Set<String> cyclic = new HashSet<>();
        List<String> order = dependencyOrder(winners, cyclic);

        Map<String, PluginUnit> next = new LinkedHashMap<>();
        Set<PluginUnit> fresh = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        for (String id : order) {
            Record record = winners.get(id);
            try {
                decide(id, record, winners, cyclic.contains(id), reload.contains(id), next, fresh, retiring);
            } catch (RuntimeException | LinkageError e) {
                // A defect must cost one plugin, not the whole pass (and with it every other change).
                LOG.error("Applying plugin {} failed", id, e);
                record.rejected = null;
                record.set(PluginState.FAILED, "internal error while applying the plugin: " + Failures.describe(e));
                if (record.unit != null && next.get(id) != record.unit) {
                    retireUnit(record, retiring);
                }
            }
        }
        for (Record record : records.values()) {
            record.dirty = false;
        }

        if (!sameUnits(List.copyOf(current.units().values()), List.copyOf(next.values())) || !retiring.isEmpty()) {
            Generation previous = current;
            Generation generation = new Generation(++generations, next);
            fresh.forEach(unit -> unit.wentLiveIn(generation.number()));
            current = generation;
            previous.close();
            draining.add(previous);
            scheduleRetirement(retiring);
            emit(new PluginEvent.GenerationLive(generation.number(), Instant.now()));
            LOG.info("Plugin generation {} is live: {}", generation.number(),
                    next.isEmpty() ? "no plugins" : String.join(", ", next.values().stream().map(PluginUnit::toString).toList()));
            swapTimer.record(System.nanoTime() - startedNanos, TimeUnit.NANOSECONDS);
        }
        publishViews(before);
    }

    /** Decides what becomes of one plugin in this pass, building it when needed. */
    private void decide(String id, Record record, Map<String, Record> winners, boolean cyclic, boolean reload,
                        Map<String, PluginUnit> next, Set<PluginUnit> fresh, List<PluginUnit> retiring) {
        PluginCandidate candidate = record.candidate();
        if (cyclic) {
            keepOrBlock(record, next, retiring, candidate.version(), PluginState.FAILED, record.reason);
            return;
        }
        if (disabled.contains(id)) {
            record.rejected = null;
            record.failedBuild = null;
            record.set(PluginState.DISABLED, null);
            retireUnit(record, retiring);
            return;
        }
        List<PluginUnit> dependencyUnits = new ArrayList<>();
        for (PluginDependency dependency : candidate.dependencies()) {
            Record dependencyRecord = winners.get(dependency.getPluginId());
            String wanted = "plugin '" + dependency.getPluginId() + "'"
                    + ("*".equals(dependency.getPluginVersionSupport()) ? "" : " " + dependency.getPluginVersionSupport());
            PluginUnit dependencyUnit = next.get(dependency.getPluginId());
            // The version that counts is the one that will run: the live unit's (a newer jar may
            // have been rejected), else the jar's.
            String installed = dependencyUnit != null ? dependencyUnit.version()
                    : dependencyRecord == null ? null : dependencyRecord.version();
            String blocked = null;
            PluginState blockedState = PluginState.FAILED;
            if (dependencyRecord == null || installed == null) {
                blocked = "needs " + wanted + ", which is not installed";
            } else if (!PluginJarInspector.satisfies(installed, dependency.getPluginVersionSupport())) {
                blocked = "needs " + wanted + ", but " + installed + " is installed";
            } else if (dependencyUnit == null) {
                boolean off = dependencyRecord.state == PluginState.DISABLED || dependencyRecord.state == PluginState.STOPPED;
                blockedState = off ? PluginState.STOPPED : PluginState.FAILED;
                blocked = "needs " + wanted + ", which is " + dependencyRecord.state.name().toLowerCase();
            }
            if (blocked == null) {
                dependencyUnits.add(dependencyUnit);
            } else if (!dependency.isOptional()) {
                keepOrBlock(record, next, retiring, candidate.version(), blockedState, blocked);
                return;
            }
        }

        boolean dependenciesChanged = record.unit != null && !sameUnits(record.unit.dependencies(), dependencyUnits);
        boolean build = record.unit == null || record.dirty || reload || dependenciesChanged;
        if (!build) {
            next.put(id, record.unit);
            record.set(PluginState.STARTED, null);
            return;
        }
        if (record.inspection instanceof Inspection.Rejected rejected) {
            // The jar on disk is bad; a live version may keep serving if nothing it uses changed.
            keepOrFail(record, next, retiring, dependenciesChanged, rejected.version(), rejected.reason(), null);
            return;
        }
        Collection<PluginUnit> others = othersFor(id, next, winners);
        if (record.unit == null && record.failedBuild != null && !record.dirty && !reload
                && (record.failedBuild.isEmpty() || record.failedBuild.equals(routeSignature(others)))) {
            // It failed to start and nothing it depends on changed since: trying again would only
            // run its start() again (maybe hanging for start_timeout). A new jar or a reload retries.
            return;
        }
        ObjectNode config;
        try {
            config = sections.resolve(id, candidate.configSchema());
        } catch (ConfigException e) {
            keepOrFail(record, next, retiring, dependenciesChanged, candidate.version(),
                    "invalid configuration: " + String.join("; ", e.problems()), "");
            return;
        }
        UnitFactory.Built built = factory.build(candidate, config, dependencyUnits, others);
        if (built instanceof UnitFactory.Built.Ok ok) {
            if (record.unit != null) {
                retiring.add(record.unit);
            }
            record.unit = ok.unit();
            record.rejected = null;
            record.failedBuild = null;
            record.set(PluginState.STARTED, null);
            next.put(id, ok.unit());
            fresh.add(ok.unit());
        } else {
            UnitFactory.Built.Failed failed = (UnitFactory.Built.Failed) built;
            keepOrFail(record, next, retiring, dependenciesChanged, candidate.version(), failed.reason(),
                    failed.dependsOnOtherPlugins() ? routeSignature(others) : "");
        }
    }

    /**
     * A plugin whose (new) jar cannot run for a reason outside it (a missing dependency, a cycle).
     * When the jar is new and the live version's own dependencies are still live, that version
     * keeps serving and the jar is reported as rejected; otherwise the plugin is blocked.
     */
    private void keepOrBlock(Record record, Map<String, PluginUnit> next, List<PluginUnit> retiring,
                             String version, PluginState state, String reason) {
        if (record.dirty && record.unit != null && dependenciesLive(record.unit, next)) {
            keepOrFail(record, next, retiring, false, version, reason, null);
            return;
        }
        record.rejected = null;
        record.failedBuild = null;
        record.set(state, reason);
        retireUnit(record, retiring);
    }

    private static boolean dependenciesLive(PluginUnit unit, Map<String, PluginUnit> next) {
        return unit.dependencies().stream().allMatch(dependency -> next.get(dependency.id()) == dependency);
    }

    /** What a route collision depends on: the root paths of the other live plugins. */
    private static String routeSignature(Collection<PluginUnit> others) {
        return others.stream().map(u -> u.id() + "=" + u.rootTemplates()).sorted().toList().toString();
    }

    /** Picks, per plugin id, the one jar that provides it; the others are duplicates. */
    private Map<String, Record> chooseWinners(List<PluginUnit> retiring) {
        Map<String, Record> winners = new TreeMap<>();
        for (Record record : records.values()) {
            record.duplicate = false;
            boolean usable = record.inspection instanceof Inspection.Accepted || record.unit != null;
            if (!usable) {
                Inspection.Rejected rejected = (Inspection.Rejected) record.inspection;
                record.set(PluginState.FAILED, rejected.reason());
                continue;
            }
            String id = record.id();
            Record holder = winners.get(id);
            if (holder == null) {
                winners.put(id, record);
            } else if (record.unit != null && holder.unit == null) {
                winners.put(id, record);
                markDuplicate(holder, record, retiring);
            } else {
                markDuplicate(record, holder, retiring);
            }
        }
        return winners;
    }

    private static void markDuplicate(Record loser, Record winner, List<PluginUnit> retiring) {
        loser.duplicate = true;
        loser.set(PluginState.FAILED, "duplicate plugin id '" + winner.id() + "': " + winner.file
                + " already provides it; remove one of the two files");
        loser.rejected = null;
        if (loser.unit != null) {
            retiring.add(loser.unit);
            loser.unit = null;
        }
    }

    /** Dependencies before dependents; members of a cycle are marked failed (and come last). */
    private List<String> dependencyOrder(Map<String, Record> winners, Set<String> cyclic) {
        List<String> order = new ArrayList<>();
        Map<String, Integer> mark = new HashMap<>();
        for (String id : winners.keySet()) {
            visit(id, winners, mark, new ArrayDeque<>(), order, cyclic);
        }
        return order;
    }

    private void visit(String id, Map<String, Record> winners, Map<String, Integer> mark, Deque<String> path, List<String> order,
                       Set<String> cyclic) {
        Integer state = mark.get(id);
        if (state != null) {
            if (state == 1) {
                List<String> cycle = new ArrayList<>();
                boolean in = false;
                for (Iterator<String> it = path.descendingIterator(); it.hasNext(); ) {
                    String step = it.next();
                    in |= step.equals(id);
                    if (in) {
                        cycle.add(step);
                    }
                }
                cycle.add(id);
                String text = "dependency cycle: " + String.join(" -> ", cycle);
                for (String member : cycle) {
                    winners.get(member).set(PluginState.FAILED, text);
                    cyclic.add(member);
                }
            }
            return;
        }
        mark.put(id, 1);
        path.push(id);
        for (PluginDependency dependency : winners.get(id).candidate().dependencies()) {
            if (winners.containsKey(dependency.getPluginId())) {
                visit(dependency.getPluginId(), winners, mark, path, order, cyclic);
            }
        }
        path.pop();
        mark.put(id, 2);
        order.add(id);
    }

    /**
     * @param failedBuild when the failure came from trying to start the jar: what a retry would
     *                    depend on ("" = only a new jar or a reload), else null
     */
    private void keepOrFail(Record record, Map<String, PluginUnit> next, List<PluginUnit> retiring,
                            boolean dependenciesChanged, String version, String reason, String failedBuild) {
        if (record.unit != null && !dependenciesChanged) {
            next.put(record.id(), record.unit);
            record.rejected = new PluginView.Rejection(version, reason, Instant.now());
            record.set(PluginState.STARTED, null);
            LOG.warn("Plugin {} {} was not swapped in, {} keeps serving: {}", record.id(), version, record.unit.version(), reason);
        } else {
            record.rejected = null;
            record.failedBuild = failedBuild;
            record.set(PluginState.FAILED, reason);
            retireUnit(record, retiring);
        }
    }

    private static void retireUnit(Record record, List<PluginUnit> retiring) {
        if (record.unit != null) {
            retiring.add(record.unit);
            record.unit = null;
        }
    }

    /** Units that will be live next to plugin {@code id}: those decided so far, and those not yet reconsidered. */
    private static Collection<PluginUnit> othersFor(String id, Map<String, PluginUnit> next, Map<String, Record> winners) {
        List<PluginUnit> others = new ArrayList<>(next.values());
        for (Map.Entry<String, Record> winner : winners.entrySet()) {
            if (!winner.getKey().equals(id) && !next.containsKey(winner.getKey()) && winner.getValue().unit != null) {
                others.add(winner.getValue().unit);
            }
        }
        return others;
    }

    private static boolean sameUnits(List<PluginUnit> a, List<PluginUnit> b) {
        if (a.size() != b.size()) {
            return false;
        }
        Set<PluginUnit> set = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        set.addAll(a);
        return set.containsAll(b);
    }

    /**
     * Retires units once every superseded generation has no request left (or the drain time is
     * up): dependents first, then what they depend on, so no class loader closes under a user.
     */
    private void scheduleRetirement(List<PluginUnit> units) {
        if (units.isEmpty()) {
            return;
        }
        List<PluginUnit> ordered = retirementOrder(units);
        List<Generation> waitFor = List.copyOf(draining);
        retirements.execute(() -> {
            try {
                long deadline = System.nanoTime() + options.drainTimeout().toNanos();
                for (Generation generation : waitFor) {
                    if (!generation.awaitDrained(deadline)) {
                        LOG.warn("Generation {} still has {} request(s) after {}; retiring {} anyway", generation.number(),
                                generation.activeRequests(), options.drainTimeout(), ordered);
                    }
                    draining.remove(generation);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            for (PluginUnit unit : ordered) {
                factory.destroy(unit);
                leaks.watch(unit.id(), unit.version(), unit.loader());
                LOG.info("Plugin {} {} retired", unit.id(), unit.version());
            }
        });
    }

    private static List<PluginUnit> retirementOrder(List<PluginUnit> units) {
        List<PluginUnit> ordered = new ArrayList<>();
        Set<PluginUnit> placed = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        Set<PluginUnit> batch = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        batch.addAll(units);
        while (ordered.size() < units.size()) {
            for (PluginUnit unit : units) {
                if (placed.contains(unit)) {
                    continue;
                }
                boolean hasLiveDependent = units.stream().anyMatch(other -> !placed.contains(other) && other != unit
                        && other.dependencies().contains(unit) && batch.contains(other));
                if (!hasLiveDependent) {
                    ordered.add(unit);
                    placed.add(unit);
                }
            }
        }
        return ordered;
    }

    private Map<String, Path> scanDirectory() {
        Map<String, Path> jars = new TreeMap<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(options.dir(), "*.jar")) {
            for (Path path : stream) {
                String name = path.getFileName().toString();
                if (!name.startsWith(".") && Files.isRegularFile(path)) {
                    jars.put(name, path);
                }
            }
        } catch (IOException e) {
            LOG.error("Cannot list the plugin directory {}: {}", options.dir(), e.getMessage());
            return records.keySet().stream().collect(TreeMap::new, (m, k) -> m.put(k, options.dir().resolve(k)), Map::putAll);
        }
        return jars;
    }

    // ---------------------------------------------------------------------------------------
    // Views and events.

    private void publishViews(Map<String, PluginView> before) {
        List<PluginView> list = new ArrayList<>();
        Map<String, PluginView> byId = new HashMap<>();
        for (Record record : records.values()) {
            PluginView view = record.view();
            list.add(view);
            if (!record.duplicate) {
                // Of two jars with one id that are not duplicates (one broken), the live one wins.
                byId.merge(view.id(), view, (a, b) -> b.state() == PluginState.STARTED ? b : a);
            }
        }
        list.sort(Comparator.comparing(PluginView::id).thenComparing(PluginView::file));
        views = List.copyOf(list);
        viewsById = Map.copyOf(byId);
        for (PluginView view : list) {
            PluginView old = before.get(view.file());
            if (old == null || old.state() != view.state() || !Objects.equals(old.version(), view.version())
                    || !Objects.equals(old.reason(), view.reason()) || !Objects.equals(old.generation(), view.generation())
                    || !Objects.equals(old.rejected(), view.rejected())) {
                logChange(view);
                emit(new PluginEvent.PluginChanged(view.id(), view.version(), view.state(),
                        view.rejected() != null ? "rejected " + view.rejected().version() + ": " + view.rejected().reason() : view.reason(),
                        current.number(), Instant.now()));
            }
        }
        for (PluginView old : before.values()) {
            if (list.stream().noneMatch(v -> v.file().equals(old.file()))) {
                LOG.info("Plugin {} {} removed ({} deleted)", old.id(), old.version(), old.file());
                emit(new PluginEvent.PluginChanged(old.id(), old.version(), PluginState.STOPPED, "removed: " + old.file() + " was deleted",
                        current.number(), Instant.now()));
            }
        }
    }

    private static void logChange(PluginView view) {
        switch (view.state()) {
            case STARTED -> {
                if (view.rejected() != null) {
                    LOG.warn("Plugin {}: {} {} rejected, {} keeps serving: {}", view.id(), view.file(), view.rejected().version(),
                            view.version(), view.rejected().reason());
                } else {
                    LOG.info("Plugin {} {} started{}", view.id(), view.version(),
                            view.routes().isEmpty() ? "" : " (" + view.routes().stream().map(r -> r.method() + " " + r.path()).distinct().toList() + ")");
                }
            }
            case FAILED -> LOG.warn("Plugin {} ({}) FAILED: {}", view.id(), view.file(), view.reason());
            case STOPPED -> LOG.info("Plugin {} {} stopped: {}", view.id(), view.version(), view.reason());
            case DISABLED -> LOG.info("Plugin {} {} disabled", view.id(), view.version());
        }
    }

    private Map<String, PluginView> viewsByFile() {
        Map<String, PluginView> byFile = new HashMap<>();
        for (PluginView view : views) {
            byFile.put(view.file(), view);
        }
        return byFile;
    }

    private void emit(PluginEvent event) {
        for (Consumer<PluginEvent> listener : listeners) {
            try {
                listener.accept(event);
            } catch (RuntimeException e) {
                LOG.debug("Plugin event listener failed", e);
            }
        }
    }

    private PluginView view(String id) {
        return get(id).orElseThrow(() -> new PluginOperationException(404, "No plugin with id '" + id + "'."));
    }

    private void requireKnown(String id) {
        if (records.values().stream().noneMatch(r -> r.id().equals(id))) {
            throw new PluginOperationException(404, "No plugin with id '" + id + "'.");
        }
    }

    // ---------------------------------------------------------------------------------------
    // Plumbing.

    private <T> T run(Callable<T> operation) {
        if (closed) {
            throw new PluginOperationException(503, "The host is shutting down.");
        }
        Future<T> future = ops.submit(() -> {
            if (closed) {
                throw new PluginOperationException(503, "The host is shutting down.");
            }
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
            if (cause instanceof PluginOperationException operationException) {
                throw operationException;
            }
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

    private static long copyLimited(InputStream in, Path target, long limit) throws IOException {
        long total = 0;
        byte[] buffer = new byte[64 * 1024];
        try (OutputStream out = Files.newOutputStream(target)) {
            int read;
            while ((read = in.read(buffer)) >= 0) {
                total += read;
                if (total > limit) {
                    return -1;
                }
                out.write(buffer, 0, read);
            }
        }
        return total;
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to);
        }
    }

    /** Deletes what host processes that are no longer running left behind: loaded copies, uploads. */
    private void removeStaleCopies() {
        UnitFactory.removeStaleCopies(stateDir.resolve("active"));
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(stagingDir)) {
            for (Path leftover : stream) {
                Files.deleteIfExists(leftover);
            }
        } catch (IOException e) {
            LOG.debug("Cleaning {}", stagingDir, e);
        }
    }

    /**
     * Stops every plugin (after the requests inside them finished, within the drain time) and
     * the manager's threads. Called once the server no longer accepts requests.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (watcher != null) {
            watcher.close();
        }
        long limit = options.drainTimeout().plus(options.callTimeout()).plusSeconds(1).toMillis();
        try {
            ops.submit(() -> {
                Map<String, PluginView> before = viewsByFile();
                Generation previous = current;
                List<PluginUnit> all = new ArrayList<>(previous.units().values());
                current = new Generation(++generations, Map.of());
                previous.close();
                draining.add(previous);
                for (Record record : records.values()) {
                    if (record.unit != null) {
                        record.unit = null;
                        record.set(PluginState.STOPPED, "the host is shutting down");
                    }
                }
                scheduleRetirement(all);
                publishViews(before);
                return null;
            }).get(limit, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            LOG.error("Stopping the plugins failed", e.getCause());
        } catch (java.util.concurrent.TimeoutException e) {
            LOG.warn("A plugin operation still runs after {} ms; stopping without it", limit);
        }
        ops.shutdown();
        retirements.shutdown();
        try {
            if (!retirements.awaitTermination(limit, TimeUnit.MILLISECONDS)) {
                LOG.warn("Some plugins did not stop in time");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        leaks.close();
    }

    /** One jar in the plugin directory and what became of it. Operations thread only. */
    private final class Record {
        final String file;
        FileStamp stamp;
        Inspection inspection;
        PluginUnit unit;
        PluginState state = PluginState.STOPPED;
        String reason;
        Instant since = Instant.now();
        PluginView.Rejection rejected;
        boolean dirty;
        boolean duplicate;
        /** Set when starting the jar failed: the route signature a retry waits for ("" = none). */
        String failedBuild;

        Record(String file) {
            this.file = file;
        }

        String id() {
            if (unit != null) {
                return unit.id();
            }
            if (inspection instanceof Inspection.Accepted accepted) {
                return accepted.candidate().id();
            }
            if (inspection instanceof Inspection.Rejected rejected && rejected.id() != null) {
                return rejected.id();
            }
            String base = file.substring(0, file.length() - ".jar".length());
            return base.isEmpty() ? file : base;
        }

        String version() {
            if (unit != null) {
                return unit.version();
            }
            if (inspection instanceof Inspection.Accepted accepted) {
                return accepted.candidate().version();
            }
            return inspection instanceof Inspection.Rejected rejected ? rejected.version() : null;
        }

        /**
         * The candidate that describes this plugin: the jar's, or the live version's when the jar
         * was rejected. Only winners have one (they are accepted or live).
         */
        PluginCandidate candidate() {
            if (inspection instanceof Inspection.Accepted accepted) {
                return accepted.candidate();
            }
            if (unit != null) {
                return unit.candidate();
            }
            throw new IllegalStateException("plugin file " + file + " has neither an accepted jar nor a live version");
        }

        void set(PluginState state, String reason) {
            if (this.state != state || !Objects.equals(this.reason, reason)) {
                this.since = Instant.now();
            }
            this.state = state;
            this.reason = reason;
        }

        PluginView view() {
            PluginUnit live = unit;
            List<RouteInfo> routes = live == null ? List.of() : live.routes();
            List<PluginView.FilterInfo> filters = live == null ? List.of()
                    : live.filters().stream().map(f -> new PluginView.FilterInfo(f.name(), f.priority())).toList();
            List<String> healthChecks = live == null ? List.of() : List.copyOf(new java.util.TreeSet<>(live.healthChecks().keySet()));
            List<String> dependencies = inspection instanceof Inspection.Accepted || live != null
                    ? candidate().dependencies().stream().map(d -> d.getPluginId() + (d.isOptional() ? "?" : "")
                    + ("*".equals(d.getPluginVersionSupport()) ? "" : "@" + d.getPluginVersionSupport())).toList()
                    : List.of();
            return new PluginView(id(), version(), state, reason, file, since, live == null ? null : live.generation(),
                    routes, filters, healthChecks, dependencies, rejected);
        }
    }
}
