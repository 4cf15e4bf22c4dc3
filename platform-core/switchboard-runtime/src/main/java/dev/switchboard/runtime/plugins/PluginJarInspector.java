package dev.switchboard.runtime.plugins;

import dev.switchboard.runtime.config.ConfigLoader;
import dev.switchboard.runtime.config.ConfigSchema;
import org.pf4j.DefaultVersionManager;
import org.pf4j.ManifestPluginDescriptorFinder;
import org.pf4j.PluginDependency;
import org.pf4j.PluginDescriptor;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.regex.Pattern;
import java.util.zip.ZipException;

/**
 * Checks a plugin jar before PF4J or any plugin code sees it: that it is a readable jar, that its
 * manifest names a valid id and version, that it accepts this host's version, that it does not
 * bundle host APIs or nested jars, that it lists extensions, and that its configuration schema
 * parses. Each failure becomes a reason a person can act on.
 */
final class PluginJarInspector {

    /** Plugin ids become config sections, env variable names and URL segments: keep them plain. */
    static final Pattern ID = Pattern.compile("[a-z][a-z0-9-]{0,62}[a-z0-9]|[a-z]");
    static final String EXTENSION_INDEX = "META-INF/extensions.idx";
    static final String CONFIG_SCHEMA = "META-INF/switchboard/config.schema.json";

    private static final DefaultVersionManager VERSIONS = new DefaultVersionManager();

    private final String hostVersion;

    PluginJarInspector(String hostVersion) {
        this.hostVersion = hostVersion;
    }

    Inspection inspect(Path file) {
        FileStamp stamp;
        try {
            stamp = FileStamp.of(file);
        } catch (IOException e) {
            return new Inspection.Rejected(null, null, "cannot read the file: " + e.getMessage());
        }
        try (JarFile jar = new JarFile(file.toFile(), false)) {
            return inspect(file, stamp, jar);
        } catch (ZipException e) {
            return new Inspection.Rejected(null, null, "not a valid jar file (" + e.getMessage() + ")");
        } catch (IOException | SecurityException e) {
            return new Inspection.Rejected(null, null, "cannot read the jar: " + e.getMessage());
        }
    }

    private Inspection inspect(Path file, FileStamp stamp, JarFile jar) throws IOException {
        Manifest manifest = jar.getManifest();
        if (manifest == null || manifest.getMainAttributes().getValue(ManifestPluginDescriptorFinder.PLUGIN_ID) == null) {
            return new Inspection.Rejected(null, null,
                    "not a plugin: the jar manifest has no Plugin-Id (a plugin jar needs the PF4J entries Plugin-Id and Plugin-Version; see docs/plugins.md)");
        }
        PluginDescriptor descriptor = new DescriptorReader().read(manifest);
        String id = descriptor.getPluginId().strip();
        String version = descriptor.getVersion() == null ? null : descriptor.getVersion().strip();
        if (!ID.matcher(id).matches()) {
            return new Inspection.Rejected(null, version, "Plugin-Id '" + id
                    + "' is not a valid id: use lower-case letters, digits and dashes, starting with a letter (at most 64)");
        }
        if (ConfigLoader.hostSchema().at(id).isPresent()) {
            return new Inspection.Rejected(id, version, "Plugin-Id '" + id + "' is reserved: it names a host configuration section");
        }
        if (version == null || version.isEmpty()) {
            return new Inspection.Rejected(id, null, "the manifest has no Plugin-Version");
        }
        if (!isSemanticVersion(version)) {
            return new Inspection.Rejected(id, version, "Plugin-Version '" + version + "' is not a semantic version (like 1.2.0)");
        }
        String requires = descriptor.getRequires() == null ? "*" : descriptor.getRequires().strip();
        String requiresProblem = checkRequires(requires);
        if (requiresProblem != null) {
            return new Inspection.Rejected(id, version, requiresProblem);
        }
        for (PluginDependency dependency : descriptor.getDependencies()) {
            if (!ID.matcher(dependency.getPluginId()).matches()) {
                return new Inspection.Rejected(id, version, "Plugin-Dependencies names '" + dependency.getPluginId() + "', which is not a valid plugin id");
            }
            if (!isVersionExpression(dependency.getPluginVersionSupport())) {
                return new Inspection.Rejected(id, version, "Plugin-Dependencies: '" + dependency.getPluginVersionSupport()
                        + "' (for " + dependency.getPluginId() + ") is not a version expression such as >=1.0.0");
            }
            if (dependency.getPluginId().equals(id)) {
                return new Inspection.Rejected(id, version, "Plugin-Dependencies names the plugin itself");
            }
        }

        Map<String, Integer> bundled = new LinkedHashMap<>();
        List<String> nestedJars = new ArrayList<>();
        for (Enumeration<JarEntry> entries = jar.entries(); entries.hasMoreElements(); ) {
            String name = entries.nextElement().getName();
            if (name.endsWith(".class")) {
                for (String prefix : HostPackages.MUST_NOT_BUNDLE) {
                    if (name.startsWith(prefix)) {
                        bundled.merge(prefix, 1, Integer::sum);
                    }
                }
            } else if (name.endsWith(".jar")) {
                nestedJars.add(name);
            }
        }
        if (!bundled.isEmpty()) {
            List<String> parts = new ArrayList<>();
            bundled.forEach((prefix, count) -> parts.add(prefix.replace('/', '.') + "* (" + count + " classes)"));
            return new Inspection.Rejected(id, version, "bundles host API classes: " + String.join(", ", parts)
                    + ". The host provides these; declare them with <scope>provided</scope> and rebuild");
        }
        if (!nestedJars.isEmpty()) {
            return new Inspection.Rejected(id, version, "contains nested jars (" + String.join(", ", nestedJars.subList(0, Math.min(3, nestedJars.size())))
                    + "), which a jar plugin cannot load: shade (and relocate) the libraries into the plugin jar instead");
        }

        List<String> extensions = readExtensionIndex(jar);
        if (extensions.isEmpty()) {
            return new Inspection.Rejected(id, version, "lists no extensions (" + EXTENSION_INDEX + " is missing or empty): annotate your "
                    + "SwitchboardPlugin implementation with @org.pf4j.Extension and compile with annotation processing on (<proc>full</proc> on JDK 23+)");
        }

        ConfigSchema schema = ConfigSchema.EMPTY;
        JarEntry schemaEntry = jar.getJarEntry(CONFIG_SCHEMA);
        if (schemaEntry != null) {
            try {
                schema = ConfigSchema.read(jar.getInputStream(schemaEntry));
            } catch (IllegalArgumentException e) {
                return new Inspection.Rejected(id, version, CONFIG_SCHEMA + " is not usable: " + e.getMessage());
            }
        }
        String description = descriptor.getPluginDescription() == null ? "" : descriptor.getPluginDescription();
        String pluginClass = descriptor.getPluginClass() == null || descriptor.getPluginClass().isBlank() ? null : descriptor.getPluginClass().strip();
        return new Inspection.Accepted(new PluginCandidate(file, stamp, id, version, requires, description, pluginClass,
                List.copyOf(descriptor.getDependencies()), extensions, schema));
    }

    private String checkRequires(String requires) {
        String expression = requires.matches("\\d+\\.\\d+\\.\\d+") ? ">=" + requires : requires;
        if (!isVersionExpression(expression)) {
            return "Plugin-Requires '" + requires + "' is not a version expression (write e.g. >=0.1.0 & <1.0.0)";
        }
        if (!VERSIONS.checkVersionConstraint(hostVersion, expression)) {
            return "requires Switchboard " + requires + ", but this host is " + hostVersion;
        }
        return null;
    }

    static boolean isSemanticVersion(String version) {
        try {
            VERSIONS.compareVersions(version, version);
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    static boolean isVersionExpression(String expression) {
        try {
            VERSIONS.checkVersionConstraint("0.0.0", expression);
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** True when {@code version} satisfies a Plugin-Dependencies / Plugin-Requires expression. */
    static boolean satisfies(String version, String expression) {
        String effective = expression.matches("\\d+\\.\\d+\\.\\d+") ? ">=" + expression : expression;
        return VERSIONS.checkVersionConstraint(version, effective);
    }

    private static List<String> readExtensionIndex(JarFile jar) throws IOException {
        JarEntry index = jar.getJarEntry(EXTENSION_INDEX);
        if (index == null) {
            return List.of();
        }
        List<String> classes = new ArrayList<>();
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(jar.getInputStream(index), StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                String name = line.replaceAll("#.*", "").strip();
                if (!name.isEmpty()) {
                    classes.add(name);
                }
            }
        }
        return classes;
    }

    /** PF4J's own manifest parsing, fed the manifest we already read. */
    private static final class DescriptorReader extends ManifestPluginDescriptorFinder {
        PluginDescriptor read(Manifest manifest) {
            return createPluginDescriptor(manifest);
        }
    }
}
