package dev.switchboard.runtime.events;

import dev.switchboard.api.AuthenticationException;
import dev.switchboard.api.Principal;
import dev.switchboard.api.Priority;
import dev.switchboard.runtime.gateway.Callers;
import dev.switchboard.runtime.gateway.RequestAuthentication;
import dev.switchboard.runtime.http.HostEndpoint;
import dev.switchboard.runtime.http.Problems;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletRequestWrapper;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.eclipse.jetty.ee11.servlet.ServletContextRequest;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * {@code GET /api/events/stream}: checks the request, opens the stream in the hub, and hands the
 * response to a {@link StreamWriter} on its own virtual thread.
 *
 * <p>Served as plain servlet code, not through JAX-RS: a stream's writes are the hottest path of
 * the event hub, and going through Jersey's chunked output cost about a third of the CPU per
 * delivered event (see docs/decisions/0011). The other event routes are JAX-RS
 * ({@link EventsResource}).
 */
public final class EventStreamEndpoint implements HostEndpoint {

    public static final String PATH = "/api/events/stream";
    private static final int MAX_FILTER_VALUES = 64;
    private static final Pattern TYPE_FILTER = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

    private final EventHub hub;

    public EventStreamEndpoint(EventHub hub) {
        this.hub = hub;
    }

    @Override
    public void serve(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (!"GET".equals(request.getMethod())) {
            response.setHeader("Allow", "GET");
            Problems.write(response, 405, request.getMethod() + " is not allowed on " + PATH + "; allowed: GET.");
            return;
        }
        EventStream stream;
        try {
            stream = open(request);
        } catch (StreamRefusedException e) {
            if (e.challenge() != null) {
                response.setHeader("WWW-Authenticate", e.challenge());
            }
            if (e.retryAfterSeconds() != null) {
                response.setHeader("Retry-After", e.retryAfterSeconds());
            }
            Problems.write(response, e.status(), e.getMessage());
            return;
        }
        response.setStatus(200);
        response.setContentType("text/event-stream;charset=utf-8");
        // No caching, and no buffering by nginx-based proxies (Kong among them).
        response.setHeader("Cache-Control", "no-cache");
        response.setHeader("X-Accel-Buffering", "no");
        AsyncContext async = request.startAsync();
        async.setTimeout(0);
        stream.onAbort(() -> abort(request));
        Thread.ofVirtual().name("switchboard-stream-" + stream.number()).start(new StreamWriter(hub, stream, async,
                response.getOutputStream(), hub.settings().streams().retry().toMillis()));
    }

    private EventStream open(HttpServletRequest request) {
        String topics = request.getParameter("topics");
        String types = request.getParameter("types");
        String minPriority = request.getParameter("minPriority");
        List<String> topicNames = topics == null || topics.isBlank() ? new ArrayList<>(hub.topics()) : list("topics", topics);
        Set<String> typeFilter = types == null || types.isBlank() ? Set.of() : new LinkedHashSet<>(list("types", types));
        for (String type : typeFilter) {
            if (!TYPE_FILTER.matcher(type).matches()) {
                throw new StreamRefusedException(400, "types: " + Problems.echo(type) + " is not an event type.");
            }
        }
        Priority min = minPriority == null || minPriority.isBlank() ? Priority.LOW : Priority.parse(minPriority)
                .orElseThrow(() -> new StreamRefusedException(400, "minPriority: one of low, normal, high, critical, not " + Problems.echo(minPriority) + "."));
        EventId lastEventId = lastEventId(request);
        Principal principal = authenticate(request);
        for (String name : topicNames) {
            if (!EventHub.TOPIC_NAME.matcher(name).matches()) {
                throw new StreamRefusedException(400, "topics: " + Problems.echo(name) + " is not a topic name.");
            }
            if (EventHub.PRESENCE_TOPIC.equals(name) && !hub.maySeePresence(principal)) {
                throw new StreamRefusedException(403, "'" + principal.id() + "' may not follow the presence topic: that takes one of the roles "
                        + hub.settings().presence().visibleTo() + " (events.presence.visible_to).");
            }
            if (!hub.topicAvailable(name)) {
                throw new StreamRefusedException(404, "There is no topic " + Problems.echo(name) + ". Topics: " + String.join(", ", hub.topics()) + " (events.topics).");
            }
        }
        return hub.open(principal, topicNames, typeFilter, min, lastEventId);
    }

    /** The header wins: EventSource sends it on every reconnection, while the URL keeps its first query. */
    private static EventId lastEventId(HttpServletRequest request) {
        String header = request.getHeader("Last-Event-ID");
        String parameter = request.getParameter("lastEventId");
        String text = header != null && !header.isBlank() ? header.strip() : parameter != null && !parameter.isBlank() ? parameter.strip() : null;
        if (text == null) {
            return null;
        }
        return EventId.parse(text).orElseThrow(() -> new StreamRefusedException(400,
                "Last-Event-ID " + Problems.echo(text) + " is not an event id of this server (<epoch>-<sequence>)."));
    }

    private static Principal authenticate(HttpServletRequest request) {
        try {
            return RequestAuthentication.of(request).principal(request)
                    .orElseThrow(() -> new StreamRefusedException(401, Callers.UNAUTHENTICATED, "Bearer"));
        } catch (AuthenticationException e) {
            throw new StreamRefusedException(401, e.getMessage(), e.challenge());
        }
    }

    private static List<String> list(String parameter, String value) {
        List<String> values = new ArrayList<>();
        for (String part : value.split(",", -1)) {
            String item = part.strip();
            if (item.isEmpty()) {
                throw new StreamRefusedException(400, parameter + ": an empty entry in " + Problems.echo(value) + "; separate names with single commas.");
            }
            if (!values.contains(item)) {
                values.add(item);
            }
        }
        if (values.size() > MAX_FILTER_VALUES) {
            throw new StreamRefusedException(400, parameter + ": at most " + MAX_FILTER_VALUES + " entries.");
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
}
