package dev.switchboard.testkit;

import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Builds plugin jars for tests: compiles Java sources against the Switchboard API (with PF4J's
 * annotation processor, so {@code @Extension} classes land in the extension index), writes the
 * PF4J manifest, and packs it all, or packs whatever broken jar a test needs.
 *
 * <pre>{@code
 * Path jar = PluginJarBuilder.plugin("greeter", "1.0.0")
 *         .source("""
 *             package test.greeter;
 *             ...
 *             """)
 *         .build(tempDir);
 * }</pre>
 */
public final class PluginJarBuilder {

    private static final Pattern PACKAGE = Pattern.compile("^\\s*package\\s+([\\w.]+)\\s*;", Pattern.MULTILINE);
    private static final Pattern TYPE = Pattern.compile("\\b(?:class|interface|record|enum)\\s+(\\w+)");
    /** Classes whose jars a plugin compiles against: the API and what it exposes. */
    private static final List<String> API_ANCHORS = List.of(
            "dev.switchboard.api.SwitchboardPlugin", "org.pf4j.Extension", "jakarta.ws.rs.Path", "org.slf4j.Logger",
            "io.micrometer.core.instrument.MeterRegistry", "jakarta.annotation.Priority", "jakarta.inject.Inject",
            "com.fasterxml.jackson.annotation.JsonProperty", "tools.jackson.databind.JsonNode", "tools.jackson.core.TreeNode");

    private final Map<String, String> manifest = new LinkedHashMap<>();
    private final List<String> sources = new ArrayList<>();
    private final Map<String, byte[]> entries = new LinkedHashMap<>();
    private final List<Path> classpath = new ArrayList<>();
    private boolean writeManifest = true;
    private String fileName;

    private PluginJarBuilder(String id, String version) {
        if (id != null) {
            manifest.put("Plugin-Id", id);
        }
        if (version != null) {
            manifest.put("Plugin-Version", version);
        }
    }

    /** A plugin jar with this id and version in its manifest. */
    public static PluginJarBuilder plugin(String id, String version) {
        return new PluginJarBuilder(id, version);
    }

    /** A jar with no PF4J entries at all (add them with {@link #manifest}, or not). */
    public static PluginJarBuilder jar() {
        return new PluginJarBuilder(null, null);
    }

    /** Sets {@code Plugin-Requires}: the host versions the plugin accepts, e.g. {@code >=0.1.0 & <1.0.0}. */
    public PluginJarBuilder requires(String expression) {
        return manifest("Plugin-Requires", expression);
    }

    /** Sets {@code Plugin-Dependencies}, e.g. {@code base@>=1.0.0, extras?}. */
    public PluginJarBuilder dependencies(String dependencies) {
        return manifest("Plugin-Dependencies", dependencies);
    }

    /** Sets any manifest attribute. */
    public PluginJarBuilder manifest(String name, String value) {
        manifest.put(name, value);
        return this;
    }

    /** Leaves the manifest out of the jar entirely. */
    public PluginJarBuilder withoutManifest() {
        writeManifest = false;
        return this;
    }

    /** Adds a Java source file (a full compilation unit, package declaration included). */
    public PluginJarBuilder source(String javaSource) {
        sources.add(javaSource);
        return this;
    }

    /** Adds a file to the jar as is. */
    public PluginJarBuilder entry(String path, byte[] content) {
        entries.put(path, content.clone());
        return this;
    }

    public PluginJarBuilder entry(String path, String content) {
        return entry(path, content.getBytes(StandardCharsets.UTF_8));
    }

    /** Adds the plugin's configuration schema ({@code META-INF/switchboard/config.schema.json}). */
    public PluginJarBuilder configSchema(String jsonSchema) {
        return entry("META-INF/switchboard/config.schema.json", jsonSchema);
    }

    /** Copies a class from this JVM's class path into the jar (to build a jar that bundles what it must not). */
    public PluginJarBuilder bundle(Class<?> type) {
        String resource = type.getName().replace('.', '/') + ".class";
        try (InputStream in = type.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalArgumentException("no class file for " + type.getName());
            }
            return entry(resource, in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Adds jars or class directories to compile against, beyond the Switchboard API. */
    public PluginJarBuilder classpath(Path... entries) {
        classpath.addAll(List.of(entries));
        return this;
    }

    /** The file name to write (default {@code <id>-<version>.jar}). */
    public PluginJarBuilder fileName(String name) {
        this.fileName = name;
        return this;
    }

    /** Compiles, packs and writes the jar into {@code directory}; returns its path. */
    public Path build(Path directory) {
        try {
            Files.createDirectories(directory);
            String name = fileName != null ? fileName
                    : manifest.getOrDefault("Plugin-Id", "plugin") + "-" + manifest.getOrDefault("Plugin-Version", "0") + ".jar";
            Path jar = directory.resolve(name);
            Path work = Files.createTempDirectory("plugin-build-");
            try {
                Path classes = work.resolve("classes");
                Files.createDirectories(classes);
                if (!sources.isEmpty()) {
                    compile(work.resolve("src"), classes);
                }
                pack(classes, jar);
            } finally {
                deleteTree(work);
            }
            return jar;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void compile(Path sourceDir, Path classes) throws IOException {
        List<Path> files = new ArrayList<>();
        for (String source : sources) {
            Matcher pkg = PACKAGE.matcher(source);
            Matcher type = TYPE.matcher(source);
            if (!type.find()) {
                throw new IllegalArgumentException("cannot find a type declaration in source:\n" + source);
            }
            Path dir = pkg.find() ? sourceDir.resolve(pkg.group(1).replace('.', '/')) : sourceDir;
            Files.createDirectories(dir);
            Path file = dir.resolve(type.group(1) + ".java");
            Files.writeString(file, source);
            files.add(file);
        }
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        if (compiler == null) {
            throw new IllegalStateException("no Java compiler: run the tests on a JDK, not a JRE");
        }
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        try (StandardJavaFileManager fileManager = compiler.getStandardFileManager(diagnostics, null, StandardCharsets.UTF_8)) {
            List<String> options = List.of(
                    "-d", classes.toString(),
                    "-classpath", compileClasspath(),
                    "-proc:full",
                    "-processor", "org.pf4j.processor.ExtensionAnnotationProcessor",
                    "-encoding", "UTF-8");
            boolean ok = compiler.getTask(null, fileManager, diagnostics, options, null,
                    fileManager.getJavaFileObjectsFromPaths(files)).call();
            if (!ok) {
                StringBuilder errors = new StringBuilder("plugin sources do not compile:");
                for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
                    if (d.getKind() == Diagnostic.Kind.ERROR) {
                        errors.append("\n  ").append(d.getSource() == null ? "" : d.getSource().getName() + ":" + d.getLineNumber() + ": ")
                                .append(d.getMessage(null));
                    }
                }
                throw new IllegalStateException(errors.toString());
            }
        }
    }

    private String compileClasspath() {
        Set<String> paths = new LinkedHashSet<>();
        for (String anchor : API_ANCHORS) {
            try {
                Class<?> type = Class.forName(anchor, false, PluginJarBuilder.class.getClassLoader());
                paths.add(Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString());
            } catch (ClassNotFoundException | URISyntaxException | NullPointerException e) {
                // not on this class path: the plugin cannot use it
            }
        }
        classpath.forEach(p -> paths.add(p.toString()));
        return String.join(java.io.File.pathSeparator, paths);
    }

    private void pack(Path classes, Path jar) throws IOException {
        Path temp = jar.resolveSibling("." + jar.getFileName() + ".tmp");
        try (OutputStream file = Files.newOutputStream(temp);
             JarOutputStream out = writeManifest ? new JarOutputStream(file, manifest()) : new JarOutputStream(file)) {
            try (Stream<Path> walk = Files.walk(classes)) {
                for (Path path : walk.filter(Files::isRegularFile).sorted(Comparator.naturalOrder()).toList()) {
                    String name = classes.relativize(path).toString().replace('\\', '/');
                    if (!entries.containsKey(name)) {
                        out.putNextEntry(new JarEntry(name));
                        out.write(Files.readAllBytes(path));
                        out.closeEntry();
                    }
                }
            }
            for (Map.Entry<String, byte[]> entry : entries.entrySet()) {
                out.putNextEntry(new JarEntry(entry.getKey()));
                out.write(entry.getValue());
                out.closeEntry();
            }
        }
        Files.move(temp, jar, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    private Manifest manifest() {
        Manifest m = new Manifest();
        Attributes attributes = m.getMainAttributes();
        attributes.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.forEach((key, value) -> attributes.put(new Attributes.Name(key), value));
        return m;
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path path : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
