package dev.switchboard.runtime.skills;

import dev.switchboard.api.JavaSkill;
import dev.switchboard.api.SkillContext;
import dev.switchboard.runtime.lang.ContextLoader;
import tools.jackson.databind.JsonNode;

import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Java skills: the {@code entry} class implements {@link JavaSkill}. It is looked up in the jars
 * of the skill folder ({@code *.jar} and {@code lib/*.jar}), then in the host (for skills that
 * ship with Switchboard). Java skills are trusted code in the host's JVM: a timeout interrupts
 * their thread, which they must heed (see {@link JavaSkill#run}).
 */
final class JavaSkillRuntime implements SkillRuntime {

    private final ClassLoader host;

    JavaSkillRuntime(ClassLoader host) {
        this.host = host;
    }

    @Override
    public Runner prepare(SkillManifest manifest) throws SkillFormatException {
        List<URL> jars = jars(manifest.folder());
        URLClassLoader own = jars.isEmpty() ? null
                : new URLClassLoader("skill-" + manifest.name(), jars.toArray(URL[]::new), host);
        ClassLoader loader = own != null ? own : host;
        try {
            Class<?> type = Class.forName(manifest.entry(), true, loader);
            if (!JavaSkill.class.isAssignableFrom(type)) {
                throw problem(own, "switchboard.entry: " + manifest.entry() + " does not implement " + JavaSkill.class.getName());
            }
            JavaSkill skill = (JavaSkill) type.getDeclaredConstructor().newInstance();
            return runner(skill, loader, () -> closeQuietly(own));
        } catch (ClassNotFoundException e) {
            throw problem(own, "switchboard.entry: no class " + manifest.entry() + " in the skill's jars or the host");
        } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
            throw problem(own, "switchboard.entry: cannot create " + manifest.entry() + " (it needs a public constructor without parameters): " + e);
        }
    }

    /** Runs {@code skill} with {@code loader} as the thread's context class loader; {@code onClose} runs at close. */
    static Runner runner(JavaSkill skill, ClassLoader loader, Runnable onClose) {
        return new Runner() {
            @Override
            public JsonNode run(JsonNode input, SkillContext context) throws Exception {
                return ContextLoader.call(loader, () -> skill.run(input, context));
            }

            @Override
            public void close() {
                onClose.run();
            }
        };
    }

    private static SkillFormatException problem(URLClassLoader own, String problem) {
        closeQuietly(own);
        return new SkillFormatException(List.of(problem));
    }

    private static List<URL> jars(Path folder) throws SkillFormatException {
        List<URL> jars = new ArrayList<>();
        for (Path dir : List.of(folder, folder.resolve("lib"))) {
            if (!Files.isDirectory(dir)) {
                continue;
            }
            try (Stream<Path> list = Files.list(dir)) {
                for (Path jar : list.filter(p -> p.getFileName().toString().endsWith(".jar")).sorted().toList()) {
                    jars.add(jar.toUri().toURL());
                }
            } catch (MalformedURLException e) {
                throw new SkillFormatException(List.of("cannot use the jars of " + folder.getFileName() + ": " + e.getMessage()));
            } catch (IOException e) {
                throw new SkillFormatException(List.of("cannot list the jars of " + folder.getFileName() + ": " + e.getMessage()));
            }
        }
        return jars;
    }

    private static void closeQuietly(URLClassLoader loader) {
        if (loader != null) {
            try {
                loader.close();
            } catch (IOException e) {
                // Nothing left to do with it.
            }
        }
    }
}
