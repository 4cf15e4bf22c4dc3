package dev.switchboard.testkit.skills;

import dev.switchboard.testkit.PluginJarBuilder;
import dev.switchboard.testkit.SseClient;
import dev.switchboard.testkit.SwitchboardExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static dev.switchboard.testkit.skills.SkillsApiIT.JSON;
import static org.assertj.core.api.Assertions.assertThat;

/** Two-phase streaming jobs: 202 at once, then progress, partial output and the result as SSE; owners only; cancel; rate. */
class JobsIT {

    static final Duration WAIT = Duration.ofSeconds(10);

    @RegisterExtension
    static SwitchboardExtension switchboard = SwitchboardExtension.builder()
            .principal("alice-token", "alice", "student")
            .principal("bob-token", "bob", "student")
            .principal("rate-token", "rate", "student")
            .skill(skill("counter", "timeout: 10s", """
                    int to = input.get("to").intValue();
                    for (int i = 1; i <= to; i++) {
                        context.progress((double) i / to, "step " + i);
                        context.partial(JsonNodeFactory.instance.objectNode().put("count", i));
                        Thread.sleep(150);
                    }
                    return JsonNodeFactory.instance.objectNode().put("count", to);
                    """))
            .skill(skill("waiter", "timeout: 30s", """
                    while (!context.cancelled()) {
                        Thread.sleep(20);
                    }
                    throw new IllegalStateException("stopped");
                    """))
            .build();

    static Path skill(String name, String extra, String body) {
        try {
            Path folder = Files.createTempDirectory("jobs-it-").resolve(name);
            Files.createDirectories(folder);
            Files.writeString(folder.resolve("SKILL.md"), """
                    ---
                    name: %s
                    description: A job skill.
                    switchboard:
                      runtime: java
                      entry: jobs.%sSkill
                      input_schema: {type: object, required: [to], properties: {to: {type: integer, minimum: 1, maximum: 10}}}
                      output_schema: {type: object}
                      cache: {enabled: false}
                      %s
                    ---
                    """.formatted(name, name, extra));
            PluginJarBuilder.jar().fileName(name + ".jar").source("""
                    package jobs;

                    import dev.switchboard.api.*;
                    import tools.jackson.databind.JsonNode;
                    import tools.jackson.databind.node.JsonNodeFactory;

                    public class %sSkill implements JavaSkill {
                        @Override
                        public JsonNode run(JsonNode input, SkillContext context) throws Exception {
                            %s
                        }
                    }
                    """.formatted(name, body.indent(8).strip())).build(folder);
            return folder;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static HttpResponse<String> create(String token, String body) throws Exception {
        return switchboard.send(switchboard.as(token, "/api/jobs").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    static JsonNode json(String text) {
        return JSON.readTree(text);
    }

    @Test
    void aJobAnswersAtOnceThenStreamsItsProgressPartialOutputAndResult() throws Exception {
        HttpResponse<String> created = create("alice-token", "{\"skill\":\"counter\",\"input\":{\"to\":3}}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(202);
        String id = json(created.body()).get("jobId").stringValue();
        assertThat(json(created.body()).get("streamUrl").stringValue()).isEqualTo("/api/jobs/" + id + "/events");
        assertThat(created.headers().firstValue("Location")).hasValueSatisfying(l -> assertThat(l).endsWith("/api/jobs/" + id));
        try (SseClient stream = switchboard.stream("alice-token", "/api/jobs/" + id + "/events")) {
            assertThat(stream.expect(WAIT).name()).isEqualTo("connected");
            SseClient.Event complete = stream.expect(e -> e.name().equals("complete"), WAIT);
            assertThat(json(complete.data()).at("/output/count").intValue()).isEqualTo(3);
            assertThat(stream.awaitEnd(WAIT)).isTrue();
        }
        // A late reader gets the whole story, in order; with Last-Event-ID, the rest of it.
        try (SseClient late = switchboard.stream("alice-token", "/api/jobs/" + id + "/events")) {
            List<String> names = new java.util.ArrayList<>();
            SseClient.Event event;
            while ((event = late.next(WAIT)) != null) {
                names.add(event.name());
            }
            assertThat(names.getFirst()).isEqualTo("connected");
            assertThat(names).containsSubsequence("progress", "progress", "progress", "complete").contains("delta");
            assertThat(names.getLast()).isEqualTo("complete");
        }
        try (SseClient rest = SseClient.open(switchboard.client(), switchboard.uri("/api/jobs/" + id + "/events"),
                Map.of("Authorization", "Bearer alice-token", "Last-Event-ID", "1"))) {
            assertThat(rest.expect(WAIT).name()).isNotEqualTo("connected");
        }
        assertThat(json(switchboard.send(switchboard.as("alice-token", "/api/jobs/" + id).GET().build()).body()).get("state").stringValue())
                .isEqualTo("completed");
    }

    @Test
    void onlyTheOwnerSeesOrCancelsAJobAndCancellingStopsTheSkill() throws Exception {
        String id = json(create("alice-token", "{\"skill\":\"waiter\",\"input\":{\"to\":1}}").body()).get("jobId").stringValue();
        assertThat(switchboard.send(switchboard.as("bob-token", "/api/jobs/" + id).GET().build()).statusCode()).isEqualTo(403);
        assertThat(switchboard.send(switchboard.as("bob-token", "/api/jobs/" + id + "/events").GET().build()).statusCode()).isEqualTo(403);
        assertThat(switchboard.send(switchboard.as("bob-token", "/api/jobs/" + id).DELETE().build()).statusCode()).isEqualTo(403);
        assertThat(switchboard.send(switchboard.as("alice-token", "/api/jobs/nope").GET().build()).statusCode()).isEqualTo(404);
        try (SseClient stream = switchboard.stream("alice-token", "/api/jobs/" + id + "/events")) {
            stream.expect(WAIT);
            HttpResponse<String> cancelled = switchboard.send(switchboard.as("alice-token", "/api/jobs/" + id).DELETE().build());
            assertThat(json(cancelled.body()).get("state").stringValue()).isEqualTo("cancelled");
            SseClient.Event error = stream.expect(e -> e.name().equals("error"), WAIT);
            assertThat(json(error.data()).get("kind").stringValue()).isEqualTo("cancelled");
        }
    }

    @Test
    void badRequestsAreRefusedAtOnce() throws Exception {
        HttpResponse<String> invalid = create("alice-token", "{\"skill\":\"counter\",\"input\":{\"to\":99}}");
        assertThat(invalid.statusCode()).isEqualTo(400);
        assertThat(json(invalid.body()).get("violations").get(0).stringValue()).startsWith("/to: ");
        assertThat(create("alice-token", "{\"skill\":\"nope\",\"input\":{}}").statusCode()).isEqualTo(404);
        assertThat(create("alice-token", "{\"input\":{}}").statusCode()).isEqualTo(400);
        assertThat(create("alice-token", "{oops").statusCode()).isEqualTo(400);
        assertThat(switchboard.send(HttpRequest.newBuilder(switchboard.uri("/api/jobs")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build()).statusCode()).isEqualTo(401);
    }

    @Test
    void aCallerCreatesAtMostTenJobsAMinute() throws Exception {
        for (int i = 0; i < 10; i++) {
            assertThat(create("rate-token", "{\"skill\":\"counter\",\"input\":{\"to\":1}}").statusCode()).isEqualTo(202);
        }
        HttpResponse<String> refused = create("rate-token", "{\"skill\":\"counter\",\"input\":{\"to\":1}}");
        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(refused.headers().firstValue("Retry-After")).hasValueSatisfying(v -> assertThat(Long.parseLong(v)).isBetween(1L, 61L));
        assertThat(create("alice-token", "{\"skill\":\"counter\",\"input\":{\"to\":1}}").statusCode()).isEqualTo(202);
    }
}
