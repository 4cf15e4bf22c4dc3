package dev.switchboard.api;

import tools.jackson.databind.JsonNode;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * An event as the hub stored and delivered it.
 *
 * @param id       {@code <epoch>-<seq>}: the epoch changes whenever the hub lost its history (a
 *                 restart), the sequence grows by one per event across all topics
 * @param topic    the topic it was published to, e.g. {@code student.progress}
 * @param type     what happened, e.g. {@code mastery.updated}; streams send it as the SSE
 *                 {@code event:} name
 * @param subject  whose event it is (e.g. a student id); empty for a broadcast to everyone who
 *                 may read the topic
 * @param priority how urgent it is
 * @param time     when the hub accepted it
 * @param data     the payload, any JSON value
 * @param metadata string attributes (a trace id, the source system, ...)
 * @since 0.1.0
 */
public record Event(String id, String topic, String type, String subject, Priority priority, Instant time, JsonNode data,
                    Map<String, String> metadata) {

    public Event {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(type, "type");
        subject = subject == null ? "" : subject;
        Objects.requireNonNull(priority, "priority");
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(data, "data");
        metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
    }

    /** True when the event is for everyone who may read its topic rather than for one subject. */
    public boolean broadcast() {
        return subject.isEmpty();
    }
}
