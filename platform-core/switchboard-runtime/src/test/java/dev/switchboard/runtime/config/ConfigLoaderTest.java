package dev.switchboard.runtime.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConfigLoaderTest {

    @TempDir
    Path home;

    private SwitchboardConfig load(String yaml, Map<String, String> env, List<ConfigOverride> flags) throws IOException {
        Optional<Path> file = Optional.empty();
        if (yaml != null) {
            Path f = home.resolve("switchboard.yaml");
            Files.writeString(f, yaml);
            file = Optional.of(f);
        }
        return ConfigLoader.load(home, file, env, flags);
    }

    @Test
    void embeddedDefaultsNeedNoFile() throws IOException {
        Settings s = load(null, Map.of(), List.of()).settings();
        assertThat(s.host()).isEqualTo("127.0.0.1");
        assertThat(s.port()).isEqualTo(8080);
        assertThat(s.http2()).isTrue();
        assertThat(s.tls().enabled()).isFalse();
        assertThat(s.limits().maxRequestBody().bytes()).isEqualTo(10L << 20);
        assertThat(s.shutdown().timeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(s.plugins().debounce()).isEqualTo(Duration.ofMillis(250));
        assertThat(s.admin().allowedAddresses()).containsExactly("127.0.0.0/8", "::1/128");
    }

    @Test
    void fileThenEnvironmentThenFlagsLaterWins() throws IOException {
        SwitchboardConfig c = load("port: 9000\nhost: 0.0.0.0\nplugins:\n  dir: /opt/p\n",
                Map.of("SWITCHBOARD_PORT", "9100", "SWITCHBOARD_PLUGINS_DRAIN_TIMEOUT", "3s", "SWITCHBOARD_HOME", "/ignored"),
                List.of(new ConfigOverride("port", "9200", "--port")));
        assertThat(c.settings().port()).isEqualTo(9200);
        assertThat(c.settings().host()).isEqualTo("0.0.0.0");
        assertThat(c.settings().plugins().drainTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(c.pluginsDir()).isEqualTo(Path.of("/opt/p"));
    }

    @Test
    void relativePathsResolveAgainstHome() throws IOException {
        SwitchboardConfig c = load(null, Map.of(), List.of());
        assertThat(c.pluginsDir()).isEqualTo(home.toAbsolutePath().resolve("plugins"));
    }

    @Test
    void unknownHostKeyIsNamed() {
        assertThatThrownBy(() -> load("prot: 8080\n", Map.of(), List.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("prot: unknown key");
        assertThatThrownBy(() -> load("tls:\n  enabeld: true\n", Map.of(), List.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("tls.enabeld: unknown key");
    }

    @Test
    void invalidValuesNameTheKeyAndTheSource() {
        assertThatThrownBy(() -> load("port: 70000\n", Map.of(), List.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("port: ")
                .hasMessageContaining("65535")
                .hasMessageContaining("switchboard.yaml");
        assertThatThrownBy(() -> load(null, Map.of("SWITCHBOARD_PORT", "eighty"), List.of()))
                .hasMessageContaining("port: must be a whole number, got 'eighty' (SWITCHBOARD_PORT)");
        assertThatThrownBy(() -> load("shutdown:\n  timeout: 30\n", Map.of(), List.of()))
                .hasMessageContaining("shutdown.timeout");
        assertThatThrownBy(() -> load("limits:\n  max_request_body: 10 MB\n", Map.of(), List.of()))
                .hasMessageContaining("limits.max_request_body: got \"10 MB\"; expected A size in bytes");
        assertThatThrownBy(() -> load(null, Map.of(), List.of(new ConfigOverride("tls.prt", "1", "--set tls.prt=1"))))
                .hasMessageContaining("tls.prt: unknown key (--set tls.prt=1)");
    }

    @Test
    void everyProblemIsListed() {
        assertThatThrownBy(() -> load("port: -1\nhttp2: maybe\n", Map.of(), List.of()))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).hasSize(2));
    }

    @Test
    void brokenYamlSaysWhere() {
        assertThatThrownBy(() -> load("port: 8080\n  host: [\n", Map.of(), List.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("is not valid YAML at line");
        assertThatThrownBy(() -> load("port: 1\nport: 2\n", Map.of(), List.of()))
                .hasMessageContaining("Duplicate");
        assertThatThrownBy(() -> load("- a\n- b\n", Map.of(), List.of()))
                .hasMessageContaining("must hold a map");
    }

    @Test
    void missingFileIsAnError() {
        assertThatThrownBy(() -> ConfigLoader.load(home, Optional.of(home.resolve("nope.yaml")), Map.of(), List.of()))
                .hasMessageContaining("nope.yaml does not exist");
    }

    @Test
    void pluginSectionsResolveAgainstThePluginSchemaWithOverrides() throws IOException {
        SwitchboardConfig c = load("hello:\n  greeting: Hi\n",
                Map.of("SWITCHBOARD_HELLO_TIMES", "3"), List.of(new ConfigOverride("hello.loud", "true", "--set hello.loud=true")));
        ConfigSchema schema = ConfigSchema.of(ConfigMapper.mapper().readTree("""
                {"type":"object","additionalProperties":false,"properties":{
                  "greeting":{"type":"string","default":"Hello"},
                  "times":{"type":"integer","minimum":1,"default":1},
                  "loud":{"type":"boolean","default":false},
                  "suffix":{"type":"string","default":"!"}}}"""));
        var section = c.pluginSections().resolve("hello", schema);
        assertThat(section.get("greeting").asString()).isEqualTo("Hi");
        assertThat(section.get("times").asInt()).isEqualTo(3);
        assertThat(section.get("loud").asBoolean()).isTrue();
        assertThat(section.get("suffix").asString()).isEqualTo("!");
    }

    @Test
    void pluginSectionProblemsArePrefixedWithThePluginId() throws IOException {
        SwitchboardConfig c = load("hello:\n  greting: Hi\n", Map.of("SWITCHBOARD_HELLO_TIMES", "0"), List.of());
        ConfigSchema schema = ConfigSchema.of(ConfigMapper.mapper().readTree("""
                {"type":"object","additionalProperties":false,"properties":{
                  "greeting":{"type":"string","default":"Hello"},
                  "times":{"type":"integer","minimum":1,"default":1}}}"""));
        assertThatThrownBy(() -> c.pluginSections().resolve("hello", schema))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems())
                        .anySatisfy(p -> assertThat(p).startsWith("hello.greting: unknown key"))
                        .anySatisfy(p -> assertThat(p).startsWith("hello.times: ").contains("SWITCHBOARD_HELLO_TIMES")));
    }

    @Test
    void aPluginWithoutSchemaAcceptsNoKeys() throws IOException {
        SwitchboardConfig c = load("quiet:\n  anything: 1\n", Map.of(), List.of());
        assertThatThrownBy(() -> c.pluginSections().resolve("quiet", ConfigSchema.EMPTY))
                .hasMessageContaining("quiet.anything: unknown key");
        assertThat(c.pluginSections().resolve("other", ConfigSchema.EMPTY).isEmpty()).isTrue();
    }

    @Test
    void everyHostKeyHasADefaultAndADescription() {
        assertThat(ConfigLoader.hostSchema().keys()).allSatisfy(key -> {
            assertThat(key.defaultValue()).as(key.path() + " default").isNotNull();
            assertThat(key.description()).as(key.path() + " description").isNotBlank();
        });
    }

    @Test
    void variablesNoHostKeyOrInstalledPluginClaimsAreReported() throws IOException {
        SwitchboardConfig c = load(null, Map.of("SWITCHBOARD_PROT", "1", "SWITCHBOARD_PORT", "0",
                "SWITCHBOARD_HELLO_GREETING", "Hi", "SWITCHBOARD_HOME", "/x"), List.of());
        assertThat(c.pluginSections().unclaimedVariables(List.of("hello"))).containsExactly("SWITCHBOARD_PROT");
        assertThat(c.pluginSections().unclaimedVariables(List.of())).containsExactly("SWITCHBOARD_HELLO_GREETING", "SWITCHBOARD_PROT");
    }
}
