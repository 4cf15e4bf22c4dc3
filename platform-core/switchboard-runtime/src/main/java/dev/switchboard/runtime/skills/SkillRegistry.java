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
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The skills of the skills directory, loaded and ready to invoke. {@link #reload} reads the
 * directory again (the watcher calls it after every change): a skill whose files did not change keeps its loaded code and its cache; a
 * changed one is loaded anew (its cache starts empty) and swapped in; a removed one is closed. A
 * folder that cannot be used is reported with its reasons and the others go on. The skills of the
 * live plugins ({@link #pluginSkills}) are served alongside, swapped with their plugin.
 */
public final class SkillRegistry implements Skills, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SkillRegistry.class);

    private final Path directory;
    private final Map<SkillManifest.Runtime, SkillRuntime> runtimes;
    private final SkillInvoker invoker;
    private volatile Map<String, LoadedSkill> skills = Map.of();
    private volatile Map<String, List<String>> rejected = Map.of();
    // Guarded by this: the two sources, merged into skills and rejected by publish().
    private Map<String, LoadedSkill> directorySkills = Map.of();
    private Map<String, List<String>> directoryProblems = Map.of();
    private Map<String, LoadedSkill> pluginSkills = Map.of();
    private DirectoryWatcher watcher;
    /** Set first thing in {@link #close()}, before its lock is taken: a load under way stops early. */
    private volatile boolean closing;
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();

    /** @param pythonContexts contexts per Python skill (each runs one call at a time) */
    public SkillRegistry(Path directory, SkillInvoker invoker, int pythonContexts) {
        this(directory, invoker, Map.of(
                SkillManifest.Runtime.JAVA, new JavaSkillRuntime(SkillRegistry.class.getClassLoader()),
                SkillManifest.Runtime.PYTHON, new PythonSkillRuntime(pythonContexts)));
    }

    SkillRegistry(Path directory, SkillInvoker invoker, Map<SkillManifest.Runtime, SkillRuntime> runtimes) {
        this.directory = directory;
        this.invoker = invoker;
        this.runtimes = new EnumMap<>(runtimes);
    }

    /** Reads the directory again and applies what changed. */
    public synchronized void reload() throws IOException {
        SkillScan scan = SkillScan.of(directory);
        Map<String, LoadedSkill> previous = directorySkills;
        Map<String, LoadedSkill> next = new TreeMap<>();
        Map<String, List<String>> problems = new TreeMap<>(scan.rejected());
        for (SkillManifest manifest : scan.loaded().values()) {
            if (closing) {
                break;
            }
            LoadedSkill current = previous.get(manifest.name());
            if (current != null && current.manifest.contentHash().equals(manifest.contentHash())
                    && current.manifest.folder().equals(manifest.folder())) {
                next.put(manifest.name(), current);
                continue;
            }
            SkillRuntime runtime = runtimes.get(manifest.runtime());
            if (runtime == null) {
                problems.put(manifest.folder().getFileName().toString(), List.of("switchboard.runtime: "
                        + manifest.runtime().name().toLowerCase() + " skills cannot run in this version of Switchboard"));
                continue;
            }
            try {
                next.put(manifest.name(), invoker.load(manifest, runtime));
                LOG.info("Skill {} {} loaded ({})", manifest.name(), manifest.version(), manifest.contentHash().substring(0, 12));
            } catch (SkillFormatException e) {
                problems.put(manifest.folder().getFileName().toString(), e.problems());
            } catch (RuntimeException e) {
                if (!closing) {
                    throw e;
                }
                // The runtime closed under the load: the host is stopping.
            }
        }
        directorySkills = next;
        directoryProblems = problems;
        publish();
        closeReplaced(previous, next);
        if (!closing) {
            // While stopping, a load cut short is no fault of the folder.
            problems.forEach((folder, reasons) -> LOG.warn("Skill folder {} skipped: {}", folder, String.join("; ", reasons)));
        }
    }

    /**
     * Takes the skills of the live plugins (after every plugin generation change): an unchanged
     * plugin version keeps its loaded skills and caches; the skills of a retired version are let go,
     * so nothing here keeps its classes alive.
     */
    public synchronized void pluginSkills(List<PluginSkill> live) {
        Map<String, LoadedSkill> previous = pluginSkills;
        Map<String, LoadedSkill> next = new TreeMap<>();
        for (PluginSkill skill : live) {
            String key = skill.pluginId() + "/" + skill.manifest().name() + "/" + skill.manifest().contentHash();
            LoadedSkill current = previous.get(key);
            next.put(key, current != null ? current : invoker.load(skill));
        }
        pluginSkills = next;
        publish();
        closeReplaced(previous, next);
    }

    /** Merges the two sources; a plugin's skill never takes a name the skills directory (or another plugin) has. */
    private void publish() {
        Map<String, LoadedSkill> all = new TreeMap<>(directorySkills);
        Map<String, List<String>> problems = new TreeMap<>(directoryProblems);
        for (Map.Entry<String, LoadedSkill> entry : pluginSkills.entrySet()) {
            LoadedSkill skill = entry.getValue();
            String plugin = entry.getKey().substring(0, entry.getKey().indexOf('/'));
            LoadedSkill holder = all.putIfAbsent(skill.name(), skill);
            if (holder != null && holder != skill) {
                problems.put("plugin " + plugin + ": " + skill.name(), List.of("name: '" + skill.name() + "' is already the name of "
                        + (holder.manifest.folder() != null ? "the skill in " + holder.manifest.folder().getFileName() : "another plugin's skill")));
            }
        }
        Map<String, LoadedSkill> before = skills;
        skills = Map.copyOf(all);
        rejected = Map.copyOf(problems);
        if (!before.equals(skills)) {
            listeners.forEach(Runnable::run);
        }
    }

    /**
     * Runs {@code listener} after every change of the skills served (added, edited, removed), on
     * the thread that made the change and under the registry's lock: it must return quickly.
     */
    public void addListener(Runnable listener) {
        listeners.add(listener);
    }

    private static void closeReplaced(Map<String, LoadedSkill> previous, Map<String, LoadedSkill> next) {
        for (LoadedSkill old : previous.values()) {
            if (!next.containsValue(old)) {
                old.close();
            }
        }
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

    /** The skills loaded now, by name. */
    public List<SkillManifest> list() {
        List<SkillManifest> list = new ArrayList<>();
        for (LoadedSkill skill : skills.values()) {
            list.add(skill.manifest);
        }
        list.sort((a, b) -> a.name().compareTo(b.name()));
        return list;
    }

    public Optional<SkillManifest> get(String name) {
        return Optional.ofNullable(skills.get(name)).map(skill -> skill.manifest);
    }

    /** Each runtime's status, by runtime name ({@code java}, {@code python}). */
    public Map<String, Map<String, Object>> runtimes() {
        Map<String, Map<String, Object>> status = new TreeMap<>();
        runtimes.forEach((name, runtime) -> status.put(name.name().toLowerCase(), runtime.status()));
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
     * Calls a skill by name: see {@link SkillInvoker}.
     *
     * @throws SkillException typed; {@link SkillException.Kind#NOT_FOUND} for an unknown name
     */
    public SkillResult invoke(String name, JsonNode input, Principal caller, SkillContext listener) {
        LoadedSkill skill = skills.get(name);
        if (skill == null) {
            throw new SkillException(SkillException.Kind.NOT_FOUND, "There is no skill " + Problems.echo(name) + ".");
        }
        return invoker.invoke(skill, input, caller, listener);
    }

    /**
     * The checks a call would make before running: the skill exists, the caller may call it, the
     * input matches its schema. For callers that run the skill later (jobs) and want to refuse bad
     * requests at once.
     *
     * @throws SkillException of kind not found, forbidden or invalid input
     */
    public void admit(String name, JsonNode input, Principal caller) {
        LoadedSkill skill = skills.get(name);
        if (skill == null) {
            throw new SkillException(SkillException.Kind.NOT_FOUND, "There is no skill " + Problems.echo(name) + ".");
        }
        invoker.admit(skill, input, caller);
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
     * load is running, so the load ends at once and the lock comes free.
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
        synchronized (this) {
            if (watcher != null) {
                watcher.close();
            }
            directorySkills.values().forEach(LoadedSkill::close);
            pluginSkills.values().forEach(LoadedSkill::close);
            directorySkills = Map.of();
            pluginSkills = Map.of();
            publish();
        }
    }
}
