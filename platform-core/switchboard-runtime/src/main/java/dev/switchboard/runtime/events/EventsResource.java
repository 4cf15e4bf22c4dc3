package dev.switchboard.runtime.events;

import dev.switchboard.api.Event;
import dev.switchboard.api.EventRejectedException;
import dev.switchboard.api.NewEvent;
import dev.switchboard.api.Principal;
import dev.switchboard.api.Priority;
import dev.switchboard.runtime.config.Settings;
import dev.switchboard.runtime.gateway.Callers;
import dev.switchboard.runtime.http.Bodies;
import dev.switchboard.runtime.http.ClientJson;
import dev.switchboard.runtime.http.Problems;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import tools.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The event API under {@code /api/events}: publish, presence, topics. Part of the core
 * application, which is never reloaded. The stream itself is {@link EventStreamEndpoint}.
 */
@Path("/api/events")
public final class EventsResource {

    /** The role that may publish over HTTP. */
    public static final String PUBLISHER_ROLE = "publisher";
    private static final Set<String> FIELDS = Set.of("type", "data", "subject", "priority", "metadata");
    private final EventHub hub;
    private final Settings.EventSettings settings;

    public EventsResource(EventHub hub) {
        this.hub = hub;
        this.settings = hub.settings();
    }

    @POST
    @Path("/{topic}")
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    public Map<String, Object> publish(@PathParam("topic") String topic, @HeaderParam("Content-Type") String contentType,
                                       @Context HttpServletRequest request, InputStream body) throws IOException {
        Principal principal = Callers.require(request);
        Callers.requireRole(principal, PUBLISHER_ROLE, "publish events");
        if (!hub.topicAvailable(topic) || EventHub.PRESENCE_TOPIC.equals(topic)) {
            throw Problems.exception(EventHub.PRESENCE_TOPIC.equals(topic) ? 403 : 404, EventHub.PRESENCE_TOPIC.equals(topic)
                    ? "The topic 'presence' is the host's own; only the host publishes there."
                    : "There is no topic " + Problems.echo(topic) + ". Topics: " + String.join(", ", hub.topics()) + " (events.topics).");
        }
        if (contentType == null || !isJson(MediaType.valueOf(contentType))) {
            throw Problems.exception(415, "Send the event as JSON (Content-Type: application/json), not " + (contentType == null ? "no content type" : contentType) + ".");
        }
        NewEvent draft = parse(Bodies.readLimited(body, request.getContentLengthLong(), settings.maxEventSize().bytes(), "events.max_event_size"));
        try {
            Event event = hub.publish(topic, draft);
            Map<String, Object> answer = new LinkedHashMap<>();
            answer.put("id", event.id());
            answer.put("topic", event.topic());
            answer.put("time", event.time().toString());
            return answer;
        } catch (EventRejectedException e) {
            throw Problems.exception(e.reason().status(), e.getMessage());
        }
    }

    private static boolean isJson(MediaType type) {
        return "application".equals(type.getType()) && ("json".equals(type.getSubtype()) || type.getSubtype().endsWith("+json"));
    }

    private static NewEvent parse(byte[] bytes) {
        JsonNode tree = ClientJson.read(bytes);
        if (tree == null || !tree.isObject()) {
            throw Problems.exception(400, "The body must be a JSON object: {\"type\": ..., \"data\": ...} with optional subject, priority, metadata.");
        }
        for (String field : tree.propertyNames()) {
            if (!FIELDS.contains(field)) {
                throw Problems.exception(400, "Unknown field " + Problems.echo(field) + "; an event has type, data, subject, priority and metadata.");
            }
        }
        JsonNode type = tree.get("type");
        if (type == null || !type.isString()) {
            throw Problems.exception(400, "type: required, a string such as \"mastery.updated\".");
        }
        JsonNode subject = tree.get("subject");
        if (subject != null && !subject.isString() && !subject.isNull()) {
            throw Problems.exception(400, "subject: a string (whose event it is), or absent for a broadcast.");
        }
        Priority priority = Priority.NORMAL;
        JsonNode priorityNode = tree.get("priority");
        if (priorityNode != null && !priorityNode.isNull()) {
            priority = Priority.parse(priorityNode.isString() ? priorityNode.stringValue() : "")
                    .orElseThrow(() -> Problems.exception(400, "priority: one of low, normal, high, critical."));
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        JsonNode metadataNode = tree.get("metadata");
        if (metadataNode != null && !metadataNode.isNull()) {
            if (!metadataNode.isObject()) {
                throw Problems.exception(400, "metadata: an object of string values.");
            }
            for (Map.Entry<String, JsonNode> entry : metadataNode.properties()) {
                if (!entry.getValue().isString()) {
                    throw Problems.exception(400, "metadata." + entry.getKey() + ": must be a string.");
                }
                metadata.put(entry.getKey(), entry.getValue().stringValue());
            }
        }
        return new NewEvent(type.stringValue(), tree.get("data"), subject == null || subject.isNull() ? "" : subject.stringValue(),
                priority, metadata);
    }

    @GET
    @Path("/presence")
    @Produces(MediaType.APPLICATION_JSON)
    public Map<String, Object> presence(@QueryParam("topic") String topic, @Context HttpServletRequest request) {
        Principal principal = Callers.require(request);
        if (topic == null || topic.isBlank()) {
            throw Problems.exception(400, "topic: required, e.g. ?topic=student.progress.");
        }
        if (!hub.topics().contains(topic)) {
            throw Problems.exception(404, "There is no topic " + Problems.echo(topic) + ". Topics: " + String.join(", ", hub.topics()) + ".");
        }
        List<Presence.Seen> seen = hub.presence(topic);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("topic", topic);
        answer.put("count", seen.size());
        answer.put("connections", seen.stream().mapToInt(Presence.Seen::connections).sum());
        if (hub.maySeePresence(principal)) {
            List<Map<String, Object>> principals = new ArrayList<>();
            for (Presence.Seen one : seen) {
                Map<String, Object> entry = new LinkedHashMap<>();
                entry.put("id", one.principal());
                entry.put("connections", one.connections());
                entry.put("since", one.since().toString());
                entry.put("lastSeen", one.lastSeen().toString());
                principals.add(entry);
            }
            answer.put("principals", principals);
        }
        return answer;
    }

    @GET
    @Path("/topics")
    @Produces(MediaType.APPLICATION_JSON)
    public Map<String, Object> topics(@Context HttpServletRequest request) {
        Callers.require(request);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("epoch", hub.epoch());
        answer.put("position", hub.position());
        answer.put("openTopics", settings.openTopics());
        answer.put("topics", hub.describeTopics());
        return answer;
    }
}
