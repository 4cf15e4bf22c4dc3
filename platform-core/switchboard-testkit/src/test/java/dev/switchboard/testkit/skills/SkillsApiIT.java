package dev.switchboard.testkit.skills;

import dev.switchboard.testkit.SwitchboardExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** Skills from the skills directory over REST: listing, describing, invoking, and every error typed. */
class SkillsApiIT {

    static final JsonMapper JSON = JsonMapper.builder().build();
    static final SkillFolders SKILLS = new SkillFolders("skills-it-");

    @RegisterExtension
    static SwitchboardExtension switchboard = SwitchboardExtension.builder()
            .principal("alice-token", "alice", "student")
            .principal("ivy-token", "ivy", "instructor")
            .skill(SKILLS.javaSkill("upper", "", """
                    String text = input.get("text").stringValue();
                    if (text.equals("forbidden word")) {
                        throw new IllegalArgumentException("text: that word is not allowed");
                    }
                    if (text.equals("crash")) {
                        throw new IllegalStateException("the dictionary is gone");
                    }
                    return JsonNodeFactory.instance.objectNode().put("upper", text.toUpperCase());
                    """))
            .skill(SKILLS.javaSkill("grades", "  roles: [instructor]\n", """
                    return JsonNodeFactory.instance.objectNode().put("upper", "A");
                    """))
            .skill(SKILLS.folder("python-one", """
                    ---
                    name: python-one
                    description: A Python skill.
                    switchboard: {runtime: python, entry: one.py:run, input_schema: {}, output_schema: {}}
                    ---
                    """, "one.py", "def run(input):\n    return input\n"))
            .skill(SKILLS.folder("broken", "---\nname: Broken!\n---\n"))
            .set("skills.max_input_size", "1KB")
            .build();

    static HttpResponse<String> invoke(String token, String skill, String body) throws Exception {
        return switchboard.send(switchboard.as(token, "/api/skills/" + skill + "/invoke").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    static JsonNode json(HttpResponse<String> response) {
        return JSON.readTree(response.body());
    }

    @Test
    void theUsableSkillsLoadAndTheOthersAreReportedWithTheirReasons() throws Exception {
        JsonNode listed = json(switchboard.get("/admin/skills"));
        assertThat(listed.get("skills")).extracting(s -> s.get("name").stringValue()).containsExactly("grades", "python-one", "upper");
        assertThat(listed.get("rejected").size()).isEqualTo(1);
        assertThat(listed.get("rejected").has("broken")).isTrue();
        JsonNode asStudent = json(switchboard.send(switchboard.as("alice-token", "/api/skills").GET().build()));
        assertThat(asStudent.get("skills")).extracting(s -> s.get("name").stringValue()).containsExactly("python-one", "upper");
        JsonNode asInstructor = json(switchboard.send(switchboard.as("ivy-token", "/api/skills").GET().build()));
        assertThat(asInstructor.get("skills")).hasSize(3);
        assertThat(switchboard.get("/api/skills").statusCode()).isEqualTo(401);
        JsonNode admin = json(switchboard.get("/admin/skills"));
        assertThat(admin.get("skills")).extracting(s -> s.get("source").stringValue())
                .containsExactly("folder grades", "folder python-one", "folder upper");
        assertThat(admin.at("/rejected/broken/0").stringValue()).startsWith("name: 'Broken!'");
    }

    @Test
    void aPythonSkillRunsUnderGraalPy() throws Exception {
        HttpResponse<String> echoed = invoke("alice-token", "python-one", "{\"hello\":[1,2,3]}");
        assertThat(echoed.statusCode()).as(echoed.body()).isEqualTo(200);
        assertThat(json(echoed).get("output").toString()).isEqualTo("{\"hello\":[1,2,3]}");
    }

    @Test
    void aSkillDescribesItself() throws Exception {
        JsonNode upper = json(switchboard.send(switchboard.as("alice-token", "/api/skills/upper").GET().build()));
        assertThat(upper.get("version").stringValue()).isEqualTo("1.0.0");
        assertThat(upper.get("runtime").stringValue()).isEqualTo("java");
        assertThat(upper.at("/inputSchema/required/0").stringValue()).isEqualTo("text");
        assertThat(upper.get("documentation").stringValue()).contains("Upper-cases the text");
        assertThat(switchboard.send(switchboard.as("alice-token", "/api/skills/grades").GET().build()).statusCode()).isEqualTo(403);
        assertThat(switchboard.send(switchboard.as("alice-token", "/api/skills/nope").GET().build()).statusCode()).isEqualTo(404);
    }

    @Test
    void invokingRunsOnceThenServesTheCache() throws Exception {
        HttpResponse<String> first = invoke("alice-token", "upper", "{\"text\":\"hello\"}");
        assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
        assertThat(json(first).at("/output/upper").stringValue()).isEqualTo("HELLO");
        assertThat(json(first).at("/metadata/cached").booleanValue()).isFalse();
        assertThat(json(first).at("/metadata/version").stringValue()).isEqualTo("1.0.0");
        HttpResponse<String> second = invoke("ivy-token", "upper", "{\"text\":\"hello\"}");
        assertThat(json(second).at("/metadata/cached").booleanValue()).isTrue();
        assertThat(json(second).at("/metadata/contentHash").stringValue()).isEqualTo(json(first).at("/metadata/contentHash").stringValue());
    }

    @Test
    void addingEditingAndRemovingASkillTakesEffectWithoutARestart() throws Exception {
        Path source = SKILLS.javaSkill("later", "", """
                return JsonNodeFactory.instance.objectNode().put("upper", "v1");
                """);
        Path live = switchboard.home().resolve("skills/later");
        copy(source, live);
        HttpResponse<String> first = awaitInvoke("later", response -> response.statusCode() == 200);
        assertThat(json(first).at("/metadata/version").stringValue()).isEqualTo("1.0.0");
        assertThat(json(invoke("alice-token", "later", "{\"text\":\"x\"}")).at("/metadata/cached").booleanValue()).isTrue();

        Files.writeString(live.resolve("SKILL.md"), Files.readString(live.resolve("SKILL.md")).replace("version: 1.0.0", "version: 1.1.0"));
        HttpResponse<String> edited = awaitInvoke("later", response -> json(response).at("/metadata/version").stringValue("").equals("1.1.0"));
        assertThat(json(edited).at("/metadata/cached").booleanValue()).as("an edited skill starts with an empty cache").isFalse();

        try (var files = Files.walk(live)) {
            for (Path file : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(file);
            }
        }
        awaitInvoke("later", response -> response.statusCode() == 404);
    }

    private static HttpResponse<String> awaitInvoke(String skill, java.util.function.Predicate<HttpResponse<String>> condition) throws Exception {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
        HttpResponse<String> response = invoke("alice-token", skill, "{\"text\":\"x\"}");
        while (!condition.test(response) && System.nanoTime() < deadline) {
            Thread.sleep(50);
            response = invoke("alice-token", skill, "{\"text\":\"x\"}");
        }
        assertThat(condition.test(response)).as("last answer: %s", response.body()).isTrue();
        return response;
    }

    private static void copy(Path from, Path to) throws IOException {
        try (var files = Files.walk(from)) {
            for (Path file : files.toList()) {
                Path target = to.resolve(from.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(file, target);
                }
            }
        }
    }

    @Test
    void everyFailureIsAProblemOfItsKind() throws Exception {
        record Case(String token, String skill, String body, int status, String kind, String detail) {
        }
        for (Case c : new Case[] {
                new Case("alice-token", "upper", "{\"text\": 7}", 400, "invalid_input", "input schema"),
                new Case("alice-token", "upper", "{\"text\":\"forbidden word\"}", 400, "invalid_input", "that word is not allowed"),
                new Case("alice-token", "upper", "{\"text\":\"crash\"}", 500, "failed", "the dictionary is gone"),
                new Case("alice-token", "nope", "{}", 404, "not_found", "no skill 'nope'"),
                new Case("alice-token", "grades", "{\"text\":\"x\"}", 403, "forbidden", "instructor")}) {
            HttpResponse<String> response = invoke(c.token(), c.skill(), c.body());
            assertThat(response.statusCode()).as(c.body() + ": " + response.body()).isEqualTo(c.status());
            assertThat(response.headers().firstValue("Content-Type")).contains("application/problem+json");
            assertThat(json(response).get("kind").stringValue()).isEqualTo(c.kind());
            assertThat(json(response).get("detail").stringValue()).contains(c.detail());
        }
        HttpResponse<String> invalid = invoke("alice-token", "upper", "{\"text\": 7}");
        assertThat(json(invalid).get("violations").get(0).stringValue()).startsWith("/text: ");
        HttpResponse<String> notJson = invoke("alice-token", "upper", "{text");
        assertThat(notJson.statusCode()).isEqualTo(400);
        HttpResponse<String> tooLarge = invoke("alice-token", "upper", "{\"text\":\"" + "x".repeat(2000) + "\"}");
        assertThat(tooLarge.statusCode()).isEqualTo(413);
        assertThat(json(tooLarge).get("detail").stringValue()).contains("skills.max_input_size");
        HttpResponse<String> anonymous = switchboard.send(HttpRequest.newBuilder(switchboard.uri("/api/skills/upper/invoke"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"text\":\"x\"}")).build());
        assertThat(anonymous.statusCode()).isEqualTo(401);
    }
}
