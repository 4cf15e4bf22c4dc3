package dev.switchboard.runtime.skills;

import dev.switchboard.api.Principal;
import dev.switchboard.api.SkillContext;
import dev.switchboard.api.SkillException;
import dev.switchboard.api.SkillResult;
import dev.switchboard.runtime.files.DirectoryWatcher;
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
import java.util.TreeMap;

/**
 * The skills of the skills directory, loaded and ready to invoke. {@link #reload} reads the
 * directory again (the watcher calls it after every change): a skill whose files did not change keeps its loaded code and its cache; a
 * changed one is loaded anew (its cache starts empty) and swapped in; a removed one is closed. A
 * folder that cannot be used is reported with its reasons and the others go on.
 */
public final class SkillRegistry implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SkillRegistry.class);

    private final Path directory;
    private final Map<SkillManifest.Runtime, SkillRuntime> runtimes;
    private final SkillInvoker invoker;
    private volatile Map<String, LoadedSkill> skills = Map.of();
    private DirectoryWatcher watcher;
    private volatile Map<String, List<String>> rejected = Map.of();

    public SkillRegistry(Path directory, SkillInvoker invoker) {
        this(directory, invoker, Map.of(SkillManifest.Runtime.JAVA, new JavaSkillRuntime(SkillRegistry.class.getClassLoader())));
    }

    SkillRegistry(Path directory, SkillInvoker invoker, Map<SkillManifest.Runtime, SkillRuntime> runtimes) {
        this.directory = directory;
        this.invoker = invoker;
        this.runtimes = new EnumMap<>(runtimes);
    }

    /** Reads the directory again and applies what changed. */
    public synchronized void reload() throws IOException {
        SkillScan scan = SkillScan.of(directory);
        Map<String, LoadedSkill> previous = skills;
        Map<String, LoadedSkill> next = new TreeMap<>();
        Map<String, List<String>> problems = new TreeMap<>(scan.rejected());
        for (SkillManifest manifest : scan.loaded().values()) {
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
            }
        }
        skills = Map.copyOf(next);
        rejected = Map.copyOf(problems);
        for (Map.Entry<String, LoadedSkill> old : previous.entrySet()) {
            if (next.get(old.getKey()) != old.getValue()) {
                old.getValue().close();
            }
        }
        problems.forEach((folder, reasons) -> LOG.warn("Skill folder {} skipped: {}", folder, String.join("; ", reasons)));
    }

    /**
     * Watches the directory (created when missing): a change is applied once the directory has
     * been quiet for {@code debounce}.
     */
    public synchronized void watch(Duration debounce) throws IOException {
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
            throw new SkillException(SkillException.Kind.NOT_FOUND, "There is no skill '" + name + "'.");
        }
        return invoker.invoke(skill, input, caller, listener);
    }

    @Override
    public synchronized void close() {
        if (watcher != null) {
            watcher.close();
        }
        skills.values().forEach(LoadedSkill::close);
        skills = Map.of();
    }
}
