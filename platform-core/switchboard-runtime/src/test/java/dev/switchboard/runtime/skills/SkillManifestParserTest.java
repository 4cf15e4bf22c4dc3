package dev.switchboard.runtime.skills;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** SKILL.md as authors write it: what is read, what is defaulted, and every mistake named by its key. */
class SkillManifestParserTest {

    @TempDir
    Path dir;

    Path skill(String folder, String skillMd, String... files) throws Exception {
        Path path = dir.resolve(folder);
        Files.createDirectories(path);
        Files.writeString(path.resolve("SKILL.md"), skillMd);
        for (int i = 0; i < files.length; i += 2) {
            Files.writeString(path.resolve(files[i]), files[i + 1]);
        }
        return path;
    }

    static final String VALID = """
            ---
            name: monaco-config
            description: Builds a Monaco editor configuration.
            switchboard:
              runtime: python
              entry: monaco_config.py:generate
              version: 1.2.0
              input_schema:
                type: object
                required: [language]
                properties:
                  language: {type: string}
              output_schema: output.schema.json
              timeout: 500ms
              cache: {enabled: true, ttl: 30s, max_entries: 100}
              fallback: stale
              roles: [instructor]
            ---
            # Monaco config

            Documentation.
            """;

    @Test
    void aCompleteSkillMdIsReadWithItsSchemasAndPolicies() throws Exception {
        Path folder = skill("monaco", VALID, "monaco_config.py", "def generate(input):\n    return {}\n",
                "output.schema.json", "{\"type\":\"object\"}");
        SkillManifest manifest = SkillManifestParser.parse(folder);
        assertThat(manifest.name()).isEqualTo("monaco-config");
        assertThat(manifest.runtime()).isEqualTo(SkillManifest.Runtime.PYTHON);
        assertThat(manifest.pythonFile()).contains("monaco_config.py");
        assertThat(manifest.pythonFunction()).contains("generate");
        assertThat(manifest.version()).isEqualTo("1.2.0");
        assertThat(manifest.inputSchema().get("required").toString()).isEqualTo("[\"language\"]");
        assertThat(manifest.outputSchema().toString()).isEqualTo("{\"type\":\"object\"}");
        assertThat(manifest.timeout()).isEqualTo(Duration.ofMillis(500));
        assertThat(manifest.cache()).isEqualTo(new SkillManifest.CachePolicy(true, Duration.ofSeconds(30), 100));
        assertThat(manifest.fallback()).isInstanceOf(SkillManifest.Fallback.Stale.class);
        assertThat(manifest.roles()).containsExactly("instructor");
        assertThat(manifest.documentation()).startsWith("# Monaco config").contains("Documentation.");
        assertThat(manifest.contentHash()).hasSize(64);
    }

    @Test
    void defaultsApplyWhereTheBlockIsSilent() throws Exception {
        Path folder = skill("echo", """
                ---
                name: echo
                description: Says it back.
                switchboard:
                  runtime: java
                  entry: com.example.Echo
                  input_schema: {}
                ---
                """);
        SkillManifest manifest = SkillManifestParser.parse(folder);
        assertThat(manifest.outputSchema().toString()).as("no output_schema: any output").isEqualTo("true");
        assertThat(manifest.timeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(manifest.cache().enabled()).isTrue();
        assertThat(manifest.fallback()).isInstanceOf(SkillManifest.Fallback.None.class);
        assertThat(manifest.roles()).isEmpty();
        assertThat(manifest.version()).isEqualTo("0");
        assertThat(manifest.documentation()).isEmpty();
    }

    @Test
    void everyMistakeIsReportedWithItsKey() throws Exception {
        Path folder = skill("bad", """
                ---
                name: Bad_Name
                description: ""
                extra: 1
                switchboard:
                  runtime: ruby
                  entry: nope
                  input_schema: {type: 12}
                  output_schema: ../outside.json
                  timeout: forever
                  cache: {enabled: maybe, max_entries: 0, size: 3}
                  fallback: 42
                  roles: admin
                  colour: red
                ---
                """);
        assertThatThrownBy(() -> SkillManifestParser.parse(folder)).isInstanceOfSatisfying(SkillFormatException.class, e ->
                assertThat(e.problems()).anySatisfy(p -> assertThat(p).startsWith("name: 'Bad_Name'"))
                        .anySatisfy(p -> assertThat(p).startsWith("description: must be a non-empty string"))
                        .anySatisfy(p -> assertThat(p).startsWith("extra: unknown key"))
                        .anySatisfy(p -> assertThat(p).startsWith("switchboard.runtime: 'python' or 'java'"))
                        .anySatisfy(p -> assertThat(p).startsWith("switchboard.input_schema: not a valid JSON Schema"))
                        .anySatisfy(p -> assertThat(p).startsWith("switchboard.output_schema: '../outside.json' is outside the skill folder"))
                        .anySatisfy(p -> assertThat(p).startsWith("switchboard.timeout:"))
                        .anySatisfy(p -> assertThat(p).startsWith("switchboard.cache.enabled: true or false"))
                        .anySatisfy(p -> assertThat(p).startsWith("switchboard.cache.max_entries:"))
                        .anySatisfy(p -> assertThat(p).startsWith("switchboard.cache.size: unknown key"))
                        .anySatisfy(p -> assertThat(p).startsWith("switchboard.fallback:"))
                        .anySatisfy(p -> assertThat(p).startsWith("switchboard.roles:"))
                        .anySatisfy(p -> assertThat(p).startsWith("switchboard.colour: unknown key")));
    }

    @Test
    void aPythonEntryMustNameAFileOfTheSkill() throws Exception {
        Path folder = skill("missing", VALID.replace("fallback: stale", "fallback: {output: {theme: vs}}"),
                "output.schema.json", "{}");
        assertThatThrownBy(() -> SkillManifestParser.parse(folder)).isInstanceOfSatisfying(SkillFormatException.class, e ->
                assertThat(e.problems()).containsExactly("switchboard.entry: monaco_config.py is not a file in the skill folder"));
    }

    @Test
    void theInputSchemasExamplesMustBeValidInputs() throws Exception {
        String withExamples = VALID.replace("\n  output_schema:", "\n    examples: [{language: go}, {language: 42}, {theme: vs}]\n  output_schema:");
        Path folder = skill("examples", withExamples, "monaco_config.py", "def generate(x): return x", "output.schema.json", "{}");
        assertThatThrownBy(() -> SkillManifestParser.parse(folder)).isInstanceOfSatisfying(SkillFormatException.class, e ->
                assertThat(e.problems()).containsExactly(
                        "switchboard.input_schema: examples[1] is not a valid input: /language: integer found, string expected",
                        "switchboard.input_schema: examples[2] is not a valid input: /language: required property 'language' not found"));
        Path good = skill("good-examples", withExamples.replace(", {language: 42}, {theme: vs}", ""), "monaco_config.py",
                "def generate(x): return x", "output.schema.json", "{}");
        assertThat(SkillManifestParser.parse(good).examples()).extracting(JsonNode::toString).containsExactly("{\"language\":\"go\"}");
    }

    @Test
    void frontMatterMustBeThere() throws Exception {
        for (String text : List.of("# no front matter\n", "---\nname: x\n", "---\n[1, 2\n---\n", "---\n- a list\n---\n")) {
            Path folder = skill("f" + Math.abs(text.hashCode()), text);
            assertThatThrownBy(() -> SkillManifestParser.parse(folder)).as(text).isInstanceOf(SkillFormatException.class);
        }
    }

    @Test
    void theContentHashFollowsTheFilesButNotCaches() throws Exception {
        Path folder = skill("echo", """
                ---
                name: echo
                description: Says it back.
                switchboard: {runtime: python, entry: echo.py:run, input_schema: {}, output_schema: {}}
                ---
                """, "echo.py", "def run(x):\n    return x\n");
        String first = SkillManifestParser.parse(folder).contentHash();
        Files.createDirectories(folder.resolve("__pycache__"));
        Files.writeString(folder.resolve("__pycache__/echo.cpython-312.pyc"), "bytes");
        assertThat(SkillManifestParser.parse(folder).contentHash()).isEqualTo(first);
        Files.writeString(folder.resolve("echo.py"), "def run(x):\n    return [x]\n");
        assertThat(SkillManifestParser.parse(folder).contentHash()).isNotEqualTo(first);
    }

    @Test
    void aScanLoadsTheGoodSkillsAndReportsTheBadOnesAndDuplicates() throws Exception {
        String echo = """
                ---
                name: echo
                description: Says it back.
                switchboard: {runtime: java, entry: com.example.Echo, input_schema: {}, output_schema: {}}
                ---
                """;
        skill("a-echo", echo);
        skill("b-echo-again", echo);
        skill("c-broken", "---\nname: broken\n---\n");
        Files.createDirectories(dir.resolve("d-not-a-skill"));
        SkillScan scan = SkillScan.of(dir);
        assertThat(scan.loaded()).containsOnlyKeys("echo");
        assertThat(scan.loaded().get("echo").folder().getFileName().toString()).isEqualTo("a-echo");
        assertThat(scan.rejected()).containsOnlyKeys("b-echo-again", "c-broken");
        assertThat(scan.rejected().get("b-echo-again")).singleElement().asString().contains("already the name of the skill in a-echo");
        assertThat(scan.rejected().get("c-broken")).anySatisfy(p -> assertThat(p).startsWith("description: required"));
        assertThat(SkillScan.of(dir.resolve("absent")).loaded()).isEmpty();
        assertThat(Set.copyOf(scan.rejected().get("c-broken"))).anySatisfy(p -> assertThat(p).startsWith("switchboard: required"));
    }
}
