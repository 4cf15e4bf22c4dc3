package dev.switchboard.runtime.skills;

import dev.switchboard.api.Principal;
import dev.switchboard.api.SkillContext;
import dev.switchboard.api.SkillException;
import dev.switchboard.api.SkillResult;
import dev.switchboard.api.Skills;
import dev.switchboard.runtime.files.DirectoryWatcher;
import dev.switchboard.runtime.http.Problems;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The skills of the skills directory and of the live plugins, and the one path to call them.
 *
 * <p>A skill is known as soon as its {@code SKILL.md} is parsed: {@link #read} scans the directory
 * (milliseconds) and publishes every new or edited skill as {@link SkillView.Status#LOADING
 * loading}; {@link #prepare} then has each runtime prepare the code (seconds for a Python skill:
 * the engine, then warm contexts), and each skill turns ready or failed on its own. A call to a
 * loading skill waits for it, for up to the warm-up allowance, and makes the checks that need no
 * runtime (roles, input schema) at once. An edited skill keeps serving its previous version until
 * the new one is ready (its cache starts empty); a new version that fails to load leaves the
 * previous one serving, and says so in {@link #rejected}. A skill whose files did not change
 * keeps its loaded code and cache; a removed one is closed. A folder that cannot be used is
 * reported with its reasons and the others go on. The skills of the live plugins
 * ({@link #pluginSkills}) are served alongside, swapped with their plugin.
 */
public final class SkillRegistry implements Skills, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SkillRegistry.class);

    private final Path directory;
    private final Map<SkillManifest.Runtime, SkillRuntime> runtimes;
    private final SkillInvoker invoker;
    private final Duration warmUpAllowance;
    private volatile Map<String, SkillSlot> skills = Map.of();
    private volatile Map<String, List<String>> rejected = Map.of();
    /** One read at a time. A read does not wait for a preparation: an edit made during a warm-up is listed at once. */
    private final ReentrantLock reading = new ReentrantLock();
    /** One preparation at a time (the watcher's after the first one's): two Python warm-ups at once would only slow both. */
    private final ReentrantLock preparing = new ReentrantLock();
    // Guarded by this: the two sources, merged into skills and rejected by publish().
    private Map<String, SkillSlot> directorySkills = Map.of();
    /** Successors of ready directory skills, by name: loading, or failed (the ready version serves on). */
    private Map<String, SkillSlot> replacements = Map.of();
    private Map<String, List<String>> directoryProblems = Map.of();
    private Map<String, SkillSlot> pluginSkills = Map.of();
    private DirectoryWatcher watcher;
    /** Set first thing in {@link #close()}, before its lock is taken: a load under way stops early. */
    private volatile boolean closing;
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();

    /**
     * @param pythonContexts  contexts per Python skill (each runs one call at a time)
     * @param warmUpAllowance how long a call waits for a skill that is still loading, and how much
     *                        longer than the skill's timeout a warm-up run may take
     * @param pythonJitWindow how long after a Python skill is ready its calls get the warm-up
     *                        allowance on top of their timeout ({@code skills.python_jit_window})
     */
    public SkillRegistry(Path directory, SkillInvoker invoker, int pythonContexts, Duration warmUpAllowance, Duration pythonJitWindow) {
        this(directory, invoker, Map.of(
                SkillManifest.Runtime.JAVA, new JavaSkillRuntime(SkillRegistry.class.getClassLoader()),
                SkillManifest.Runtime.PYTHON, new PythonSkillRuntime(pythonContexts, warmUpAllowance, pythonJitWindow)), warmUpAllowance);
    }

    SkillRegistry(Path directory, SkillInvoker invoker, Map<SkillManifest.Runtime, SkillRuntime> runtimes, Duration warmUpAllowance) {
        this.directory = directory;
        this.invoker = invoker;
        this.runtimes = new EnumMap<>(runtimes);
        this.warmUpAllowance = warmUpAllowance;
    }

    /** Reads the directory again and prepares what changed: {@link #read} then {@link #prepare}. */
    public void reload() throws IOException {
        prepare(read());
    }

    /** The skills one {@link #read} found new or edited, to {@link #prepare}. */
    public static final class Pending {
        private final List<SkillSlot> slots;

        private Pending(List<SkillSlot> slots) {
            this.slots = slots;
        }
    }

    /**
     * Reads the directory and publishes what it holds at once: new and edited skills as loading,
     * removed ones gone. Runs no skill code.
     *
     * @return the skills to prepare, for {@link #prepare}
     */
    public Pending read() throws IOException {
        reading.lock();
        try {
            SkillScan scan = SkillScan.of(directory);
            List<SkillSlot> toPrepare = new ArrayList<>();
            List<SkillSlot> dropped = new ArrayList<>();
            synchronized (this) {
                if (closing) {
                    return new Pending(List.of());
                }
                Map<String, SkillSlot> next = new TreeMap<>();
                Map<String, SkillSlot> nextReplacements = new TreeMap<>();
                Map<String, List<String>> problems = new TreeMap<>(scan.rejected());
                for (SkillManifest manifest : scan.loaded().values()) {
                    String name = manifest.name();
                    SkillSlot served = directorySkills.get(name);
                    SkillSlot replacement = replacements.get(name);
                    if (served != null && sameFiles(served.manifest, manifest)) {
                        next.put(name, served);
                    } else if (replacement != null && sameFiles(replacement.manifest, manifest)) {
                        next.put(name, served);
                        nextReplacements.put(name, replacement);
                    } else if (!runtimes.containsKey(manifest.runtime())) {
                        problems.put(manifest.folder().getFileName().toString(), List.of("switchboard.runtime: "
                                + manifest.runtime().name().toLowerCase(Locale.ROOT) + " skills cannot run in this version of Switchboard"));
                    } else {
                        SkillSlot slot = SkillSlot.loading(manifest);
                        if (served != null && served.status() == SkillView.Status.READY) {
                            next.put(name, served);
                            nextReplacements.put(name, slot);
                        } else {
                            next.put(name, slot);
                        }
                        toPrepare.add(slot);
                    }
                }
                for (SkillSlot old : concat(directorySkills.values(), replacements.values())) {
                    if (!next.containsValue(old) && !nextReplacements.containsValue(old)) {
                        dropped.add(old);
                    }
                }
                directorySkills = next;
                replacements = nextReplacements;
                directoryProblems = problems;
                publish();
                problems.forEach((folder, reasons) -> LOG.warn("Skill folder {} skipped: {}", folder, String.join("; ", reasons)));
            }
            dropped.forEach(SkillRegistry::retire);
            // Java skills first: they are ready in milliseconds, and need not wait behind Python's warm-up.
            toPrepare.sort(Comparator.comparing((SkillSlot slot) -> slot.manifest.runtime() != SkillManifest.Runtime.JAVA));
            return new Pending(toPrepare);
        } finally {
            reading.unlock();
        }
    }

    /**
     * Prepares what {@link #read} found, one skill after the other, each turning ready (an edited
     * one replacing its previous version) or failed as soon as it is done. A slot that a later
     * read dropped is skipped (or, when dropped while it was being prepared, closed); a stop cuts
     * the rest short.
     */
    public void prepare(Pending pending) {
        preparing.lock();
        try {
            for (SkillSlot slot : pending.slots) {
                if (closing) {
                    return;
                }
                if (current(slot)) {
                    prepare(slot);
                }
            }
        } finally {
            preparing.unlock();
        }
    }

    /** Whether {@code slot} is still the served skill of its name or the replacement loading for it. */
    private synchronized boolean current(SkillSlot slot) {
        return directorySkills.get(slot.name()) == slot || replacements.get(slot.name()) == slot;
    }

    private void prepare(SkillSlot slot) {
        LoadedSkill loaded = null;
        String failure = null;
        try {
            loaded = invoker.load(slot, runtimes.get(slot.manifest.runtime()));
        } catch (SkillFormatException e) {
            failure = String.join("; ", e.problems());
        } catch (RuntimeException e) {
            if (closing) {
                // The runtime closed under the load: the host is stopping, no fault of the skill.
                return;
            }
            failure = e.getMessage() == null ? e.toString() : e.getMessage();
        }
        SkillManifest manifest = slot.manifest;
        SkillSlot previous = null;
        synchronized (this) {
            boolean replacing = replacements.get(slot.name()) == slot;
            if (closing || !current(slot)) {
                if (loaded != null) {
                    loaded.close();
                }
                return;
            }
            if (loaded == null) {
                slot.fail(failure);
                SkillSlot serving = directorySkills.get(slot.name());
                LOG.warn("Skill {} {} failed to load: {}{}", slot.name(), manifest.version(), failure,
                        replacing ? "; version " + serving.manifest.version() + " serves on" : "");
            } else {
                slot.ready(loaded);
                if (replacing) {
                    previous = directorySkills.get(slot.name());
                    Map<String, SkillSlot> next = new TreeMap<>(directorySkills);
                    next.put(slot.name(), slot);
                    directorySkills = next;
                    Map<String, SkillSlot> pendingNext = new TreeMap<>(replacements);
                    pendingNext.remove(slot.name());
                    replacements = pendingNext;
                }
                LOG.info("Skill {} {} ready ({})", slot.name(), manifest.version(), manifest.contentHash().substring(0, 12));
            }
            publish();
        }
        if (previous != null) {
            retire(previous);
        }
    }

    private static boolean sameFiles(SkillManifest a, SkillManifest b) {
        return a.contentHash().equals(b.contentHash()) && a.folder().equals(b.folder());
    }

    private static List<SkillSlot> concat(Collection<SkillSlot> a, Collection<SkillSlot> b) {
        List<SkillSlot> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    /** Lets a slot go: whoever waits for it looks again; its prepared code, if any, is closed. */
    private static void retire(SkillSlot slot) {
        slot.supersede();
        LoadedSkill loaded = slot.ready();
        if (loaded != null) {
            loaded.close();
        }
    }

    /**
     * Takes the skills of the live plugins (after every plugin generation change): an unchanged
     * plugin version keeps its loaded skills and caches; the skills of a retired version are let go,
     * so nothing here keeps its classes alive.
     */
    public synchronized void pluginSkills(List<PluginSkill> live) {
        Map<String, SkillSlot> previous = pluginSkills;
        Map<String, SkillSlot> next = new TreeMap<>();
        for (PluginSkill skill : live) {
            String key = skill.pluginId() + "/" + skill.manifest().name() + "/" + skill.manifest().contentHash();
            SkillSlot current = previous.get(key);
            next.put(key, current != null ? current : SkillSlot.of(invoker.load(skill)));
        }
        pluginSkills = next;
        publish();
        for (SkillSlot old : previous.values()) {
            if (!next.containsValue(old)) {
                retire(old);
            }
        }
    }

    /** Merges the two sources; a plugin's skill never takes a name the skills directory (or another plugin) has. */
    private void publish() {
        Map<String, SkillSlot> all = new TreeMap<>(directorySkills);
        Map<String, List<String>> problems = new TreeMap<>(directoryProblems);
        replacements.forEach((name, replacement) -> {
            if (replacement.status() == SkillView.Status.FAILED) {
                SkillManifest serving = directorySkills.get(name).manifest;
                problems.put(replacement.manifest.folder().getFileName().toString(), List.of("version "
                        + replacement.manifest.version() + " (" + replacement.manifest.contentHash().substring(0, 12)
                        + ") does not load: " + replacement.reason() + "; version " + serving.version() + " ("
                        + serving.contentHash().substring(0, 12) + ") serves on"));
            }
        });
        for (Map.Entry<String, SkillSlot> entry : pluginSkills.entrySet()) {
            SkillSlot skill = entry.getValue();
            String plugin = entry.getKey().substring(0, entry.getKey().indexOf('/'));
            SkillSlot holder = all.putIfAbsent(skill.name(), skill);
            if (holder != null && holder != skill) {
                problems.put("plugin " + plugin + ": " + skill.name(), List.of("name: '" + skill.name() + "' is already the name of "
                        + (holder.manifest.folder() != null ? "the skill in " + holder.manifest.folder().getFileName() : "another plugin's skill")));
            }
        }
        Map<String, SkillSlot> before = skills;
        skills = Map.copyOf(all);
        rejected = Map.copyOf(problems);
        if (!before.equals(skills)) {
            listeners.forEach(Runnable::run);
        }
    }

    /**
     * Runs {@code listener} after every change of the skills served (added, edited, removed), on
     * the thread that made the change and under the registry's lock: it must return quickly. A
     * skill turning ready or failed is no such change: it was listed while it loaded.
     */
    public void addListener(Runnable listener) {
        listeners.add(listener);
    }

    /**
     * Watches the directory (created when missing): a change is applied once the directory has
     * been quiet for {@code debounce}.
     */
    public synchronized void watch(Duration debounce) throws IOException {
        if (closing) {
            return;
        }
        Files.createDirectories(directory);
        watcher = new DirectoryWatcher(directory, "skill", true, debounce, () -> {
            try {
                reload();
            } catch (IOException | RuntimeException e) {
                LOG.warn("Reading the skills directory {} failed: {}", directory, e.toString());
            }
        });
    }

    /** The skills known now (loading, ready or failed), by name. */
    public List<SkillManifest> list() {
        List<SkillManifest> list = new ArrayList<>();
        for (SkillSlot skill : skills.values()) {
            list.add(skill.manifest);
        }
        list.sort(Comparator.comparing(SkillManifest::name));
        return list;
    }

    /** The skills known now with their state, by name. */
    public List<SkillView> views() {
        List<SkillView> views = new ArrayList<>();
        for (SkillSlot skill : skills.values()) {
            views.add(view(skill));
        }
        views.sort(Comparator.comparing(SkillView::name));
        return views;
    }

    public Optional<SkillView> view(String name) {
        return Optional.ofNullable(skills.get(name)).map(SkillRegistry::view);
    }

    private static SkillView view(SkillSlot slot) {
        SkillView.Status status = slot.status();
        return new SkillView(slot.manifest, status, status == SkillView.Status.FAILED ? slot.reason() : null);
    }

    public Optional<SkillManifest> get(String name) {
        return Optional.ofNullable(skills.get(name)).map(skill -> skill.manifest);
    }

    /** Each runtime's status, by runtime name ({@code java}, {@code python}). */
    public Map<String, Map<String, Object>> runtimes() {
        Map<String, Map<String, Object>> status = new TreeMap<>();
        runtimes.forEach((name, runtime) -> status.put(name.name().toLowerCase(Locale.ROOT), runtime.status()));
        return status;
    }

    /** Skill folders that could not be used, with their reasons. */
    public Map<String, List<String>> rejected() {
        return new LinkedHashMap<>(rejected);
    }

    /** Whether {@code caller} may call the skill: no roles required, or one of them held. Null is the host itself. */
    public static boolean allowed(SkillManifest skill, Principal caller) {
        return caller == null || skill.roles().isEmpty() || skill.roles().stream().anyMatch(caller::hasRole);
    }

    /**
     * Calls a skill by name: see {@link SkillInvoker}. A skill that is still loading is waited
     * for, up to the warm-up allowance; its roles and input schema are checked before the wait.
     *
     * @throws SkillException typed; {@link SkillException.Kind#NOT_FOUND} for an unknown name,
     *                        {@link SkillException.Kind#LOADING} when the wait ran out,
     *                        {@link SkillException.Kind#UNAVAILABLE} when the skill failed to load
     */
    public SkillResult invoke(String name, JsonNode input, Principal caller, SkillContext listener) {
        SkillSlot slot = skills.get(name);
        LoadedSkill skill = slot == null ? null : slot.ready();
        if (skill == null) {
            try {
                skill = awaitReady(name, slot, input, caller);
            } catch (SkillException e) {
                invoker.refused(name, e);
                throw e;
            }
        }
        return invoker.invoke(skill, input, caller, listener);
    }

    private LoadedSkill awaitReady(String name, SkillSlot first, JsonNode input, Principal caller) {
        long deadline = System.nanoTime() + warmUpAllowance.toNanos();
        SkillSlot slot = first;
        while (true) {
            if (slot == null) {
                throw new SkillException(SkillException.Kind.NOT_FOUND, "There is no skill " + Problems.echo(name)
                        + (first == null ? "." : ": it was removed while the call waited for it to load."));
            }
            SkillInvoker.admit(slot.manifest, slot.input, input, caller);
            try {
                LoadedSkill ready = slot.await(deadline);
                if (ready != null) {
                    return ready;
                }
                throw new SkillException(SkillException.Kind.LOADING, "The skill " + name + " is still loading (its runtime is warming up; "
                        + "the call waited " + warmUpAllowance.toMillis() + " ms, skills.warm_up_allowance). Retry in a few seconds.");
            } catch (SkillSlot.Failed e) {
                throw unavailable(name, e.getMessage());
            } catch (SkillSlot.Superseded e) {
                slot = skills.get(name);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SkillException(SkillException.Kind.CANCELLED, "The call to " + name + " was cancelled.");
            }
        }
    }

    private static SkillException unavailable(String name, String reason) {
        return new SkillException(SkillException.Kind.UNAVAILABLE, "The skill " + name + " could not be loaded: " + reason);
    }

    /**
     * The checks a call would make before running: the skill exists and loaded (or is loading),
     * the caller may call it, the input matches its schema. For callers that run the skill later
     * (jobs) and want to refuse bad requests at once.
     *
     * @throws SkillException of kind not found, unavailable, forbidden or invalid input
     */
    public void admit(String name, JsonNode input, Principal caller) {
        SkillSlot slot = skills.get(name);
        if (slot == null) {
            throw new SkillException(SkillException.Kind.NOT_FOUND, "There is no skill " + Problems.echo(name) + ".");
        }
        if (slot.status() == SkillView.Status.FAILED) {
            throw unavailable(name, slot.reason());
        }
        SkillInvoker.admit(slot.manifest, slot.input, input, caller);
    }

    @Override
    public SkillResult invoke(String name, JsonNode input) {
        return invoke(name, input, null, null);
    }

    @Override
    public SkillResult invoke(String name, JsonNode input, Principal caller) {
        return invoke(name, input, caller, null);
    }

    @Override
    public Set<String> names() {
        return new TreeSet<>(skills.keySet());
    }

    /** Whether {@link #close()} has begun. */
    public boolean closing() {
        return closing;
    }

    /**
     * Stops every skill and runtime. Does not wait for a load under way (a Python warm-up takes
     * seconds): the runtimes close first, outside the registry's lock, which cancels the code the
     * load is running, so the load ends at once and the lock comes free. Calls waiting for a
     * skill still loading are answered that it is unavailable.
     */
    @Override
    public void close() {
        closing = true;
        for (SkillRuntime runtime : runtimes.values()) {
            if (runtime instanceof AutoCloseable closeable) {
                try {
                    closeable.close();
                } catch (Exception e) {
                    LOG.debug("Closing a skill runtime: {}", e.toString());
                }
            }
        }
        List<SkillSlot> all;
        synchronized (this) {
            if (watcher != null) {
                watcher.close();
            }
            all = concat(concat(directorySkills.values(), replacements.values()), pluginSkills.values());
            directorySkills = Map.of();
            replacements = Map.of();
            pluginSkills = Map.of();
            publish();
        }
        for (SkillSlot slot : all) {
            if (slot.status() == SkillView.Status.LOADING) {
                slot.fail("the host is stopping");
            }
            retire(slot);
        }
    }
}
