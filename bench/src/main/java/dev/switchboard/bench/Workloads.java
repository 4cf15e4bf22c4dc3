package dev.switchboard.bench;

import dev.switchboard.runtime.skills.SkillInvoker;
import dev.switchboard.runtime.skills.SkillRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * What the skill benchmarks call: a seed skill with the first input of its {@code cases.json}, or
 * {@code sse-handler-batch-100}, sse-handler with one batch of 100 events (the shape the Dapr
 * bridge's bulk subscriptions deliver), made from that first event with ids, students,
 * priorities and times varied. The same input goes to GraalPy and to CPython.
 */
final class Workloads {

    static final String BATCH = "sse-handler-batch-100";
    private static final JsonMapper JSON = JsonMapper.shared();

    private Workloads() {
    }

    /** The skill a workload calls. */
    static String skill(String workload) {
        return workload.equals(BATCH) ? "sse-handler" : workload;
    }

    /** How many events one call handles (for the cost per event). */
    static int events(String workload) {
        return workload.equals(BATCH) ? 100 : 1;
    }

    /**
     * A registry over {@code dir} with the host's defaults for the warm-up allowance (30 s) and
     * the Python JIT window (2 min), so that a benchmark measures what a host would serve.
     */
    static SkillRegistry registry(Path dir, int pythonContexts) {
        return new SkillRegistry(dir, new SkillInvoker(new SimpleMeterRegistry()), pythonContexts, Duration.ofSeconds(30), Duration.ofMinutes(2));
    }

    /** A new skills directory with a copy of the seed skill a workload calls, its output cache turned off so every call runs it. */
    static Path uncachedCopy(Path seeds, String workload) throws IOException {
        String skill = skill(workload);
        Path dir = Files.createTempDirectory("bench-skills");
        CopyTree.copy(seeds.resolve(skill), dir.resolve(skill));
        Path manifest = dir.resolve(skill).resolve("SKILL.md");
        Files.writeString(manifest, Files.readString(manifest).replaceFirst("cache: \\{enabled: true", "cache: {enabled: false"));
        return dir;
    }

    static JsonNode input(Path seeds, String workload) throws Exception {
        JsonNode first = JSON.readTree(seeds.resolve(skill(workload)).resolve("cases.json").toFile()).get(0).get("input");
        if (!workload.equals(BATCH)) {
            return first;
        }
        String[] students = {"alice", "bob", "carol", "dave"};
        String[] priorities = {"LOW", "normal", "HIGH", "critical"};
        String[] types = {"MASTERY_UPDATED", "lesson.completed", "feedback.created", "recommendation.created", "system.alert"};
        ArrayNode events = JSON.createArrayNode();
        for (int i = 0; i < 100; i++) {
            ObjectNode event = (ObjectNode) first.get("event").deepCopy();
            event.put("id", "e" + i);
            event.put("type", types[i % types.length]);
            event.put("studentId", students[i % students.length]);
            event.put("priority", priorities[i % priorities.length]);
            event.put("timestamp", "2026-11-22T11:%02d:%02d+01:00".formatted(i / 60, i % 60));
            events.add(event);
        }
        ObjectNode batch = JSON.createObjectNode();
        batch.set("events", events);
        batch.put("source", first.get("source").stringValue());
        batch.put("receivedAt", first.get("receivedAt").stringValue());
        return batch;
    }
}
