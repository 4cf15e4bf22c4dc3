package dev.switchboard.runtime.plugins;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

import static org.assertj.core.api.Assertions.assertThat;

/** The checks made before any plugin code runs, one reason each. */
class PluginJarInspectorTest {

    @TempDir
    Path dir;

    private final PluginJarInspector inspector = new PluginJarInspector("0.1.0");

    private Path jar(Map<String, String> manifest, Map<String, String> entries) throws IOException {
        Path file = dir.resolve("p" + System.nanoTime() + ".jar");
        Manifest m = new Manifest();
        m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.forEach((k, v) -> m.getMainAttributes().put(new Attributes.Name(k), v));
        try (OutputStream out = Files.newOutputStream(file); JarOutputStream jar = new JarOutputStream(out, m)) {
            for (Map.Entry<String, String> entry : entries.entrySet()) {
                jar.putNextEntry(new JarEntry(entry.getKey()));
                jar.write(entry.getValue().getBytes(StandardCharsets.UTF_8));
                jar.closeEntry();
            }
        }
        return file;
    }

    private static Map<String, String> manifest(String... pairs) {
        Map<String, String> map = new LinkedHashMap<>();
        map.put("Plugin-Id", "demo");
        map.put("Plugin-Version", "1.0.0");
        for (int i = 0; i + 1 < pairs.length; i += 2) {
            if (pairs[i + 1] == null) {
                map.remove(pairs[i]);
            } else {
                map.put(pairs[i], pairs[i + 1]);
            }
        }
        return map;
    }

    private static final Map<String, String> INDEXED = Map.of("META-INF/extensions.idx", "demo.Entry\n");

    private String reason(Path jar) {
        Inspection inspection = inspector.inspect(jar);
        assertThat(inspection).isInstanceOf(Inspection.Rejected.class);
        return ((Inspection.Rejected) inspection).reason();
    }

    @Test
    void acceptsAWellFormedPlugin() throws IOException {
        Inspection inspection = inspector.inspect(jar(manifest("Plugin-Requires", ">=0.1.0 & <1.0.0",
                "Plugin-Dependencies", "base@>=1.0.0, extras?"), INDEXED));
        assertThat(inspection).isInstanceOf(Inspection.Accepted.class);
        PluginCandidate candidate = ((Inspection.Accepted) inspection).candidate();
        assertThat(candidate.id()).isEqualTo("demo");
        assertThat(candidate.extensions()).containsExactly("demo.Entry");
        assertThat(candidate.dependencies()).extracting(d -> d.getPluginId() + ":" + d.isOptional()).containsExactly("base:false", "extras:true");
    }

    @Test
    void rejectsWhatIsNotAPluginJar() throws IOException {
        Path garbage = dir.resolve("garbage.jar");
        Files.writeString(garbage, "not a zip");
        assertThat(reason(garbage)).startsWith("not a valid jar file");
        Path empty = dir.resolve("empty.jar");
        Files.write(empty, new byte[0]);
        assertThat(reason(empty)).startsWith("not a valid jar file");
        assertThat(reason(jar(Map.of(), INDEXED))).contains("no Plugin-Id");
    }

    @Test
    void rejectsBadIdsAndVersions() throws IOException {
        assertThat(reason(jar(manifest("Plugin-Id", "Bad_Id"), INDEXED))).contains("is not a valid id");
        assertThat(reason(jar(manifest("Plugin-Id", "admin"), INDEXED))).contains("is reserved");
        assertThat(reason(jar(manifest("Plugin-Version", null), INDEXED))).contains("no Plugin-Version");
        assertThat(reason(jar(manifest("Plugin-Version", "one"), INDEXED))).contains("is not a semantic version");
    }

    @Test
    void checksTheHostVersion() throws IOException {
        assertThat(inspector.inspect(jar(manifest("Plugin-Requires", "0.1.0"), INDEXED))).isInstanceOf(Inspection.Accepted.class);
        assertThat(inspector.inspect(jar(manifest("Plugin-Requires", "*"), INDEXED))).isInstanceOf(Inspection.Accepted.class);
        assertThat(reason(jar(manifest("Plugin-Requires", ">=2.0.0"), INDEXED))).isEqualTo("requires Switchboard >=2.0.0, but this host is 0.1.0");
        assertThat(reason(jar(manifest("Plugin-Requires", "0.2.0"), INDEXED))).isEqualTo("requires Switchboard 0.2.0, but this host is 0.1.0");
        assertThat(reason(jar(manifest("Plugin-Requires", "soon"), INDEXED))).contains("is not a version expression");
    }

    @Test
    void checksDependencyDeclarations() throws IOException {
        assertThat(reason(jar(manifest("Plugin-Dependencies", "demo"), INDEXED))).contains("names the plugin itself");
        assertThat(reason(jar(manifest("Plugin-Dependencies", "base@later"), INDEXED))).contains("is not a version expression");
    }

    @Test
    void rejectsBundledHostApisAndNestedJars() throws IOException {
        Map<String, String> entries = new LinkedHashMap<>(INDEXED);
        entries.put("jakarta/ws/rs/Path.class", "x");
        entries.put("org/slf4j/Logger.class", "x");
        assertThat(reason(jar(manifest(), entries))).startsWith("bundles host API classes: jakarta.ws.rs.* (1 classes), org.slf4j.* (1 classes)");
        Map<String, String> nested = new LinkedHashMap<>(INDEXED);
        nested.put("lib/guava.jar", "x");
        assertThat(reason(jar(manifest(), nested))).contains("contains nested jars (lib/guava.jar)");
    }

    @Test
    void needsAnExtensionIndexAndAUsableSchema() throws IOException {
        assertThat(reason(jar(manifest(), Map.of()))).contains("lists no extensions");
        assertThat(reason(jar(manifest(), Map.of("META-INF/extensions.idx", "# only a comment\n")))).contains("lists no extensions");
        Map<String, String> badSchema = new LinkedHashMap<>(INDEXED);
        badSchema.put("META-INF/switchboard/config.schema.json", "{ not json");
        assertThat(reason(jar(manifest(), badSchema))).contains("config.schema.json is not usable");
    }
}
