package dev.switchboard.testkit.skills;

import dev.switchboard.testkit.SwitchboardExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The seed skills' own cases (the ones their CPython tests run) through Switchboard under
 * GraalPy: every output identical, every input error the same 400 with the same words.
 */
class SeedSkillsIT {

    private static final JsonMapper JSON = JsonMapper.shared();
    private static final Path SEEDS = Path.of("../../skills").toAbsolutePath().normalize();

    @RegisterExtension
    static SwitchboardExtension switchboard = SwitchboardExtension.builder()
            .skill(SEEDS.resolve("sse-handler"))
            .skill(SEEDS.resolve("monaco-config"))
            .build();

    @Test
    void sseHandlerGivesWhatCPythonGives() throws Exception {
        assertThat(runCases("sse-handler")).isGreaterThan(5);
    }

    @Test
    void monacoConfigGivesWhatCPythonGives() throws Exception {
        assertThat(runCases("monaco-config")).isGreaterThan(10);
    }

    private static int runCases(String skill) throws Exception {
        JsonNode cases = JSON.readTree(SEEDS.resolve(skill).resolve("cases.json").toFile());
        for (JsonNode testCase : cases) {
            String name = testCase.get("name").stringValue();
            for (boolean cachedCall : new boolean[]{false, true}) {
                HttpResponse<String> response = switchboard.send(HttpRequest.newBuilder(switchboard.uri("/api/skills/" + skill + "/invoke"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(testCase.get("input").toString())).build());
                JsonNode body = JSON.readTree(response.body());
                if (testCase.has("error")) {
                    assertThat(response.statusCode()).as(name).isEqualTo(400);
                    assertThat(response.headers().firstValue("Content-Type")).as(name).hasValue("application/problem+json");
                    assertThat(body.get("detail").stringValue()).as(name).contains(testCase.get("error").stringValue());
                } else {
                    assertThat(response.statusCode()).as(name + ": " + response.body()).isEqualTo(200);
                    assertThat(body.get("output")).as(name).isEqualTo(testCase.get("output"));
                    assertThat(body.at("/metadata/cached").booleanValue()).as(name).isEqualTo(cachedCall);
                }
            }
        }
        return cases.size();
    }
}
