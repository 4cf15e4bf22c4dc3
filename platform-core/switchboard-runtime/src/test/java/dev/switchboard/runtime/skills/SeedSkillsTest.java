package dev.switchboard.runtime.skills;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The seed skills in the repository's skills/ folder are valid packages. */
class SeedSkillsTest {

    @Test
    void everySeedSkillParses() throws Exception {
        SkillScan scan = SkillScan.of(Path.of("../../skills").toAbsolutePath().normalize());
        assertThat(scan.rejected()).isEmpty();
        assertThat(scan.loaded()).containsKey("sse-handler");
        SkillManifest sse = scan.loaded().get("sse-handler");
        assertThat(sse.runtime()).isEqualTo(SkillManifest.Runtime.PYTHON);
        assertThat(sse.pythonFunction()).contains("handle");
        assertThat(sse.documentation()).contains("## Type mapping");
        SkillManifest monaco = scan.loaded().get("monaco-config");
        assertThat(monaco).isNotNull();
        assertThat(monaco.pythonFunction()).contains("generate");
        assertThat(monaco.documentation()).contains("## Language conventions");
    }
}
