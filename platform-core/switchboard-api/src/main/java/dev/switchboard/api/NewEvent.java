package dev.switchboard.api;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;

import java.util.Map;
import java.util.Objects;

/**
 * An event to publish: what the publisher decides. The hub adds the id, topic and time.
 *
 * <pre>{@code
 * platform.events().publish("student.progress",
 *         NewEvent.of("mastery.updated", data).withSubject(studentId).withPriority(Priority.HIGH));
 * }</pre>
 *
 * @param type     what happened: 1 to 128 characters of letters, digits, {@code . _ -}
 * @param data     the payload, any JSON value (null becomes JSON {@code null})
 * @param subject  whose event it is; empty (the default) broadcasts it on the topic
 * @param priority defaults to {@link Priority#NORMAL}
 * @param metadata string attributes, at most 32 entries
 * @since 0.1.0
 */
public record NewEvent(String type, JsonNode data, String subject, Priority priority, Map<String, String> metadata) {

    public NewEvent {
        Objects.requireNonNull(type, "type");
        data = data == null ? JsonNodeFactory.instance.nullNode() : data;
        subject = subject == null ? "" : subject;
        priority = priority == null ? Priority.NORMAL : priority;
        metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
    }

    /** A broadcast event of normal priority without metadata. */
    public static NewEvent of(String type, JsonNode data) {
        return new NewEvent(type, data, "", Priority.NORMAL, Map.of());
    }

    public NewEvent withSubject(String subject) {
        return new NewEvent(type, data, subject, priority, metadata);
    }

    public NewEvent withPriority(Priority priority) {
        return new NewEvent(type, data, subject, priority, metadata);
    }

    public NewEvent withMetadata(Map<String, String> metadata) {
        return new NewEvent(type, data, subject, priority, metadata);
    }
}
