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
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** Every host configuration key is documented where operators look, with its real default. */
class ConfigurationDocsIT {

    private static final Pattern COMMENTED_KEY = Pattern.compile("^#( *)([a-z0-9_]+:.*)$");

    @Test
    void theShippedConfigFileShowsEveryKeyWithItsDefault() throws Exception {
        List<String> uncommented = new ArrayList<>();
        for (String line : Files.readAllLines(Launcher.DIST.resolve("conf/switchboard.yaml"))) {
            Matcher matcher = COMMENTED_KEY.matcher(line);
            if (matcher.matches()) {
                uncommented.add(matcher.group(1).length() > 0 ? matcher.group(1).substring(1) + matcher.group(2) : matcher.group(2));
            }
        }
        JsonNode shown = YAMLMapper.builder().build().readTree(String.join("\n", uncommented));
        for (ConfigSchema.Key key : ConfigLoader.hostSchema().keys()) {
            JsonNode value = shown.at("/" + key.path().replace('.', '/'));
            assertThat(value.isMissingNode()).as("conf/switchboard.yaml shows %s", key.path()).isFalse();
            assertThat(value.toString()).as("default of %s", key.path()).isEqualTo(key.defaultValue().toString());
        }
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
