package dev.switchboard.testkit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A Server-Sent Events client for tests: opens a stream, parses it as the WHATWG EventSource
 * parser does (fields, multi-line data, comments, {@code id} and {@code retry}), and hands the
 * events over one at a time. It does not reconnect by itself: a test reconnects explicitly, with
 * {@link #lastEventId()}, to see exactly what the server replays.
 */
public final class SseClient implements AutoCloseable {

    /** A dispatched event. {@code name} is {@code message} when the server sent no {@code event:} field. */
    public record Event(String id, String name, String data) {
    }

    private static final Event END = new Event(null, null, null);

    private final HttpResponse<InputStream> response;
    private final LinkedBlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private final List<String> comments = new CopyOnWriteArrayList<>();
    private volatile String lastEventId = "";
    private volatile long retry = -1;
    private volatile boolean ended;

    private SseClient(HttpResponse<InputStream> response) {
        this.response = response;
        Thread.ofVirtual().name("sse-client").start(this::read);
    }

    /**
     * Opens {@code uri} as an event stream with the given request headers.
     *
     * @throws IllegalStateException when the answer is not a 200 {@code text/event-stream} (its
     *                               status and body are in the message)
     */
    public static SseClient open(HttpClient client, URI uri, Map<String, String> headers) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).header("Accept", "text/event-stream").GET();
        headers.forEach(request::header);
        return open(client, request.build());
    }

    /**
     * Sends {@code request} (any method, e.g. an MCP POST answered with a stream) and reads its answer
     * as an event stream.
     *
     * @throws IllegalStateException when the answer is not a 200 {@code text/event-stream}
     */
    public static SseClient open(HttpClient client, HttpRequest request) throws IOException, InterruptedException {
        URI uri = request.uri();
        HttpResponse<InputStream> response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
        String type = response.headers().firstValue("Content-Type").orElse("");
        if (response.statusCode() != 200 || !type.startsWith("text/event-stream")) {
            String body;
            try (InputStream in = response.body()) {
                body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            throw new IllegalStateException("expected an event stream from " + uri + ", got " + response.statusCode() + " " + type + ": " + body);
        }
        return new SseClient(response);
    }

    private void read() {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            StringBuilder data = new StringBuilder();
            String name = "";
            boolean hasData = false;
            String line;
            while ((line = reader.readLine()) != null) {
                if (line.isEmpty()) {
                    if (hasData) {
                        events.add(new Event(lastEventId, name.isEmpty() ? "message" : name, data.toString()));
                    }
                    data.setLength(0);
                    name = "";
                    hasData = false;
                    continue;
                }
                if (line.startsWith(":")) {
                    comments.add(line.substring(1).strip());
                    continue;
                }
                int colon = line.indexOf(':');
                String field = colon < 0 ? line : line.substring(0, colon);
                String value = colon < 0 ? "" : line.substring(colon + 1);
                if (value.startsWith(" ")) {
                    value = value.substring(1);
                }
                switch (field) {
                    case "event" -> name = value;
                    case "data" -> {
                        if (hasData) {
                            data.append('\n');
                        }
                        data.append(value);
                        hasData = true;
                    }
                    case "id" -> {
                        if (!value.contains("\0")) {
                            lastEventId = value;
                        }
                    }
                    case "retry" -> {
                        if (value.matches("[0-9]+")) {
                            retry = Long.parseLong(value);
                        }
                    }
                    default -> {
                        // Ignored, as the specification says.
                    }
                }
            }
        } catch (IOException e) {
            // The stream was closed (by us or by the server).
        } finally {
            ended = true;
            events.add(END);
        }
    }

    /** The next event, or null when none came within {@code timeout} or the stream ended. */
    public Event next(Duration timeout) throws InterruptedException {
        Event event = events.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (event == END) {
            events.add(END);
            return null;
        }
        return event;
    }

    /** The next event; fails when none comes within {@code timeout}. */
    public Event expect(Duration timeout) throws InterruptedException {
        Event event = next(timeout);
        if (event == null) {
            throw new AssertionError(ended ? "the stream ended" : "no event within " + timeout.toMillis() + " ms");
        }
        return event;
    }

    /** Skips events until one matches; fails when none does within {@code timeout}. */
    public Event expect(Predicate<Event> condition, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<Event> skipped = new ArrayList<>();
        while (true) {
            long left = deadline - System.nanoTime();
            Event event = left <= 0 ? null : next(Duration.ofNanos(left));
            if (event == null) {
                throw new AssertionError("no matching event within " + timeout.toMillis() + " ms; skipped " + skipped);
            }
            if (condition.test(event)) {
                return event;
            }
            skipped.add(event);
        }
    }

    /** The next {@code count} events with the given name (others are skipped). */
    public List<Event> collect(String name, int count, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<Event> collected = new ArrayList<>();
        while (collected.size() < count) {
            long left = deadline - System.nanoTime();
            Event event = left <= 0 ? null : next(Duration.ofNanos(left));
            if (event == null) {
                throw new AssertionError("got " + collected.size() + " of " + count + " '" + name + "' events within "
                        + timeout.toMillis() + " ms" + (ended ? " (the stream ended)" : ""));
            }
            if (event.name().equals(name)) {
                collected.add(event);
            }
        }
        return collected;
    }

    /** Waits until the server ends the stream; false when it is still open after {@code timeout}. */
    public boolean awaitEnd(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!ended && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        return ended;
    }

    /** The comment lines received so far (without the leading colon). */
    public List<String> comments() {
        return List.copyOf(comments);
    }

    /** The last event id the stream set, as an EventSource would send it back in {@code Last-Event-ID}. */
    public String lastEventId() {
        return lastEventId;
    }

    /** The reconnection delay the server asked for, or -1. */
    public long retry() {
        return retry;
    }

    public HttpHeaders headers() {
        return response.headers();
    }

    /** The HTTP version the stream is served over. */
    public HttpClient.Version version() {
        return response.version();
    }

    public boolean ended() {
        return ended;
    }

    /** Closes the connection, as a client that goes away does. */
    @Override
    public void close() {
        try {
            response.body().close();
        } catch (IOException e) {
            // Closing anyway.
        }
    }
}
