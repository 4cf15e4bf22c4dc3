package dev.switchboard.runtime.events;

import dev.switchboard.api.Event;
import dev.switchboard.api.EventRejectedException;
import dev.switchboard.api.NewEvent;
import dev.switchboard.api.Principal;
import dev.switchboard.api.Priority;
import dev.switchboard.runtime.config.Settings;
import dev.switchboard.runtime.web.Callers;
import dev.switchboard.runtime.web.Problems;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletRequestWrapper;
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
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;
import org.eclipse.jetty.ee11.servlet.ServletContextRequest;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The event API under {@code /api/events}: publish, stream, presence, topics. Part of the core
 * application, which is never reloaded, so streams stay open across plugin swaps.
 */
@Path("/api/events")
public final class EventsResource {

    /** The role that may publish over HTTP. */
    public static final String PUBLISHER_ROLE = "publisher";
    private static final int MAX_FILTER_VALUES = 64;
    private static final Set<String> FIELDS = Set.of("type", "data", "subject", "priority", "metadata");
    private static final Pattern TYPE_FILTER = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    private static final JsonMapper JSON = JsonMapper.builder().build();

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
                    : "There is no topic '" + topic + "'. Topics: " + String.join(", ", hub.topics()) + " (events.topics).");
        }
        if (contentType == null || !isJson(MediaType.valueOf(contentType))) {
            throw Problems.exception(415, "Send the event as JSON (Content-Type: application/json), not " + (contentType == null ? "no content type" : contentType) + ".");
        }
        NewEvent draft = parse(readLimited(body, request.getContentLengthLong()));
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

    private byte[] readLimited(InputStream body, long declaredLength) throws IOException {
        long max = settings.maxEventSize().bytes();
        if (declaredLength > max) {
            throw tooLarge();
        }
        byte[] bytes = body.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, max + 1));
        if (bytes.length > max) {
            throw tooLarge();
        }
        return bytes;
    }

    private RuntimeException tooLarge() {
        return Problems.exception(413, "The event is larger than events.max_event_size (" + settings.maxEventSize() + ").");
    }

    private static NewEvent parse(byte[] bytes) {
        JsonNode tree;
        try {
            tree = JSON.readTree(bytes);
        } catch (JacksonException e) {
            throw Problems.exception(400, "The body is not valid JSON: " + e.getOriginalMessage());
        }
        if (tree == null || !tree.isObject()) {
            throw Problems.exception(400, "The body must be a JSON object: {\"type\": ..., \"data\": ...} with optional subject, priority, metadata.");
        }
        for (String field : tree.propertyNames()) {
            if (!FIELDS.contains(field)) {
                throw Problems.exception(400, "Unknown field '" + field + "'; an event has type, data, subject, priority and metadata.");
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
    @Path("/stream")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    public void stream(@QueryParam("topics") String topics, @QueryParam("types") String types,
                       @QueryParam("minPriority") String minPriority, @QueryParam("lastEventId") String lastEventIdParameter,
                       @HeaderParam("Last-Event-ID") String lastEventIdHeader,
                       @Context HttpServletRequest request, @Context SseEventSink sink, @Context Sse sse) {
        List<String> topicNames = topics == null || topics.isBlank() ? defaultTopics() : list("topics", topics);
        Set<String> typeFilter = types == null || types.isBlank() ? Set.of() : new LinkedHashSet<>(list("types", types));
        for (String type : typeFilter) {
            if (!TYPE_FILTER.matcher(type).matches()) {
                throw Problems.exception(400, "types: '" + type + "' is not an event type.");
            }
        }
        Priority min = minPriority == null || minPriority.isBlank() ? Priority.LOW : Priority.parse(minPriority)
                .orElseThrow(() -> Problems.exception(400, "minPriority: one of low, normal, high, critical, not '" + minPriority + "'."));
        // The header wins: EventSource sends it on every reconnection, while the URL keeps the first query.
        String lastEventIdText = lastEventIdHeader != null && !lastEventIdHeader.isBlank() ? lastEventIdHeader.strip()
                : lastEventIdParameter != null && !lastEventIdParameter.isBlank() ? lastEventIdParameter.strip() : null;
        EventId lastEventId = null;
        if (lastEventIdText != null) {
            lastEventId = EventId.parse(lastEventIdText).orElseThrow(() -> Problems.exception(400,
                    "Last-Event-ID '" + lastEventIdText + "' is not an event id of this server (<epoch>-<sequence>)."));
        }
        Principal principal = Callers.require(request);
        for (String name : topicNames) {
            if (!EventHub.TOPIC_NAME.matcher(name).matches()) {
                throw Problems.exception(400, "topics: '" + name + "' is not a topic name.");
            }
            if (EventHub.PRESENCE_TOPIC.equals(name) && !maySeePresence(principal)) {
                throw Problems.exception(403, "'" + principal.id() + "' may not follow the presence topic: that takes one of the roles "
                        + settings.presence().visibleTo() + " (events.presence.visible_to).");
            }
            if (!hub.topicAvailable(name)) {
                throw Problems.exception(404, "There is no topic '" + name + "'. Topics: " + String.join(", ", hub.topics()) + " (events.topics).");
            }
        }
        EventStream stream;
        try {
            stream = hub.open(principal, topicNames, typeFilter, min, lastEventId);
        } catch (StreamRefusedException e) {
            throw Problems.exception(e.status(), e.getMessage());
        }
        stream.onAbort(() -> abort(request));
        Thread.ofVirtual().name("switchboard-stream-" + stream.number()).start(new StreamWriter(hub, stream, sink, sse,
                settings.streams().retry().toMillis(), settings.streams().heartbeat().toMillis()));
    }

    private List<String> defaultTopics() {
        return new ArrayList<>(hub.topics());
    }

    private static List<String> list(String parameter, String value) {
        List<String> values = new ArrayList<>();
        for (String part : value.split(",", -1)) {
            String item = part.strip();
            if (item.isEmpty()) {
                throw Problems.exception(400, parameter + ": an empty entry in '" + value + "'; separate names with single commas.");
            }
            if (!values.contains(item)) {
                values.add(item);
            }
        }
        if (values.size() > MAX_FILTER_VALUES) {
            throw Problems.exception(400, parameter + ": at most " + MAX_FILTER_VALUES + " entries.");
        }
        return values;
    }

    /** Cuts the stream's connection (HTTP/1.1) or resets its HTTP/2 stream, failing a write that is blocked. */
    private static void abort(HttpServletRequest request) {
        ServletRequest unwrapped = request;
        while (unwrapped instanceof ServletRequestWrapper wrapper) {
            unwrapped = wrapper.getRequest();
        }
        ServletContextRequest jetty = ServletContextRequest.getServletContextRequest(unwrapped);
        if (jetty != null) {
            jetty.getServletChannel().abort(new IOException("event stream reader too slow"));
        }
    }

    private boolean maySeePresence(Principal principal) {
        return settings.presence().visibleTo().stream().anyMatch(principal::hasRole);
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
            throw Problems.exception(404, "There is no topic '" + topic + "'. Topics: " + String.join(", ", hub.topics()) + ".");
        }
        List<Presence.Seen> seen = hub.presence(topic);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("topic", topic);
        answer.put("count", seen.size());
        answer.put("connections", seen.stream().mapToInt(Presence.Seen::connections).sum());
        if (maySeePresence(principal)) {
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
