package dev.switchboard.testkit.skills;

import dev.switchboard.testkit.SwitchboardExtension;
import dev.switchboard.testkit.TestSkills;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Skills over REST and the health probes while they load and when they fail: listed with their
 * state from the start, a failed one answered 503 with its reason, a loading one waited for and,
 * past the warm-up allowance (1 s here), answered 503 with Retry-After.
 */
class SkillStatesIT {

    static final JsonMapper JSON = JsonMapper.builder().build();
    static final SkillFolders SKILLS = new SkillFolders("skill-states-it-");

    @RegisterExtension
    static SwitchboardExtension switchboard = SwitchboardExtension.builder()
            .skill(SKILLS.folder("bad-code", """
                    ---
                    name: bad-code
                    description: Python that does not compile.
                    switchboard: {runtime: python, entry: bad.py:run, input_schema: {}}
                    ---
                    """, "bad.py", "def run(input:\n    return input\n"))
            .set("skills.warm_up_allowance", "1s")
            .set("skills.python_contexts", "1")
            .build();

    static HttpResponse<String> invoke(String skill, String body) throws Exception {
        return switchboard.send(HttpRequest.newBuilder(switchboard.uri("/api/skills/" + skill + "/invoke"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    static JsonNode json(HttpResponse<String> response) {
        return JSON.readTree(response.body());
    }

    static JsonNode listed(String name) throws Exception {
        for (JsonNode skill : json(switchboard.get("/api/skills")).get("skills")) {
            if (skill.get("name").stringValue().equals(name)) {
                return skill;
            }
        }
        return null;
    }

    @Test
    void aSkillWhoseCodeDoesNotLoadIsListedFailedAndAnswered503WithTheReason() throws Exception {
        JsonNode bad = listed("bad-code");
        assertThat(bad.get("state").stringValue()).isEqualTo("failed");
        assertThat(bad.get("reason").stringValue()).contains("bad.py does not load").contains("SyntaxError");
        assertThat(json(switchboard.get("/api/skills/bad-code")).get("state").stringValue()).isEqualTo("failed");

        HttpResponse<String> call = invoke("bad-code", "{}");
        assertThat(call.statusCode()).as(call.body()).isEqualTo(503);
        assertThat(call.headers().firstValue("Content-Type")).contains("application/problem+json");
        assertThat(json(call).get("kind").stringValue()).isEqualTo("unavailable");
        assertThat(json(call).get("detail").stringValue()).contains("could not be loaded").contains("SyntaxError");
        assertThat(call.headers().firstValue("Retry-After")).as("retrying does not help until the folder changes").isEmpty();

        HttpResponse<String> ready = switchboard.get("/health/ready");
        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(json(ready).get("status").stringValue()).isEqualTo("DEGRADED");
        assertThat(json(ready).at("/components/skills/failed").intValue()).isEqualTo(1);
        assertThat(json(ready).at("/components/skills/status").stringValue()).isEqualTo("DEGRADED");
        HttpResponse<String> skills = switchboard.get("/health/skills");
        assertThat(skills.statusCode()).isEqualTo(503);
        assertThat(json(skills).at("/failedSkills/bad-code").stringValue()).contains("SyntaxError");
    }

    @Test
    void aSkillStillLoadingIsListedWaitedForAndPastTheAllowanceAnswered503WithRetryAfter() throws Exception {
        // Its warm-up example sleeps 4 s: it is loading for that long after it is listed.
        TestSkills.slowStart(switchboard.home().resolve("skills"), 4);

        JsonNode listed = null;
        for (long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10); listed == null && System.nanoTime() < deadline; ) {
            Thread.sleep(50);
            listed = listed("slow-start");
        }
        assertThat(listed).as("listed once its SKILL.md is read").isNotNull();
        assertThat(listed.get("state").stringValue()).isEqualTo("loading");
        assertThat(json(switchboard.get("/health/skills")).get("loadingSkills")).extracting(JsonNode::stringValue).contains("slow-start");

        HttpResponse<String> bad = invoke("slow-start", "{\"sleep\": \"long\"}");
        assertThat(bad.statusCode()).as("bad input needs no runtime: " + bad.body()).isEqualTo(400);
        HttpResponse<String> early = invoke("slow-start", "{\"sleep\": 0}");
        assertThat(early.statusCode()).as(early.body()).isEqualTo(503);
        assertThat(json(early).get("kind").stringValue()).isEqualTo("loading");
        assertThat(early.headers().firstValue("Retry-After")).contains("5");

        HttpResponse<String> later = early;
        for (long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60); later.statusCode() == 503 && System.nanoTime() < deadline; ) {
            later = invoke("slow-start", "{\"sleep\": 0}");
        }
        assertThat(later.statusCode()).as(later.body()).isEqualTo(200);
        assertThat(json(later).get("output").toString()).as("no output_schema: any JSON is an output").isEqualTo("{\"sleep\":0}");
        assertThat(listed("slow-start").get("state").stringValue()).isEqualTo("ready");
        assertThat(json(switchboard.get("/health/skills")).has("loadingSkills")).isFalse();
    }
}
