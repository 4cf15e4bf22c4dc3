package dev.switchboard.distribution;

import dev.switchboard.runtime.config.ConfigLoader;
import dev.switchboard.runtime.config.ConfigSchema;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Every configuration key, the host's and the shipped plugins', is documented where operators look, with its real default. */
class ConfigurationDocsIT {

    private static final Pattern COMMENTED_KEY = Pattern.compile("^#( *)([a-z0-9_]+:.*)$");

    @Test
    void theShippedConfigFileShowsEveryKeyWithItsDefault() throws Exception {
        JsonNode shown = shippedConfig();
        for (ConfigSchema.Key key : ConfigLoader.hostSchema().keys()) {
            JsonNode value = shown.at("/" + key.path().replace('.', '/'));
            assertThat(value.isMissingNode()).as("conf/switchboard.yaml shows %s", key.path()).isFalse();
            assertThat(value.toString()).as("default of %s", key.path()).isEqualTo(key.defaultValue().toString());
        }
    }

    @Test
    void everyShippedPluginsKeysAreInTheConfigFileAndItsManual() throws Exception {
        JsonNode shown = shippedConfig();
        List<Path> jars;
        try (Stream<Path> listing = Files.list(Launcher.DIST.resolve("plugins"))) {
            jars = listing.filter(path -> path.toString().endsWith(".jar")).sorted().toList();
        }
        assertThat(jars).isNotEmpty();
        for (Path jar : jars) {
            try (JarFile file = new JarFile(jar.toFile())) {
                String id = file.getManifest().getMainAttributes().getValue("Plugin-Id");
                JarEntry entry = file.getJarEntry("META-INF/switchboard/config.schema.json");
                assertThat(entry).as("%s has a configuration schema", jar.getFileName()).isNotNull();
                ConfigSchema schema = ConfigSchema.read(file.getInputStream(entry));
                String manual = Files.readString(Path.of(System.getProperty("switchboard.repo")).resolve("docs/" + id + ".md"));
                for (ConfigSchema.Key key : schema.keys()) {
                    JsonNode value = shown.at("/" + id + "/" + key.path().replace('.', '/'));
                    assertThat(value.isMissingNode()).as("conf/switchboard.yaml shows %s.%s", id, key.path()).isFalse();
                    assertThat(value.toString()).as("default of %s.%s", id, key.path()).isEqualTo(key.defaultValue().toString());
                    assertThat(manual).as("docs/%s.md documents %s", id, key.path()).contains("`" + key.path() + "`");
                }
            }
        }
    }

    /** conf/switchboard.yaml with its commented-out keys uncommented. */
    private static JsonNode shippedConfig() throws Exception {
        List<String> uncommented = new ArrayList<>();
        for (String line : Files.readAllLines(Launcher.DIST.resolve("conf/switchboard.yaml"))) {
            Matcher matcher = COMMENTED_KEY.matcher(line);
            if (matcher.matches()) {
                uncommented.add(matcher.group(1).length() > 0 ? matcher.group(1).substring(1) + matcher.group(2) : matcher.group(2));
            }
        }
        return YAMLMapper.builder().build().readTree(String.join("\n", uncommented));
    }

    @Test
    void docsConfigurationNamesEveryKeyAndItsVariable() throws Exception {
        String docs = Files.readString(Path.of(System.getProperty("switchboard.repo")).resolve("docs/configuration.md"));
        for (ConfigSchema.Key key : ConfigLoader.hostSchema().keys()) {
            assertThat(docs).as("docs/configuration.md documents %s", key.path()).contains("`" + key.path() + "`");
            String variable = "SWITCHBOARD_" + key.path().toUpperCase().replace('.', '_');
            assertThat(docs).as("docs/configuration.md names %s", variable).contains(variable);
        }
    }
}
