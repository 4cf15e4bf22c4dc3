package dev.switchboard.runtime.events;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.util.concurrent.CompletionException;

/**
 * Writes one stream, on its own virtual thread: the opening {@code connected} event (with the
 * {@code retry:} hint), the {@code reset} or the replay, then live events as they are queued and a
 * comment whenever the stream was idle for a heartbeat period. A failed write means the client is
 * gone; the stream is then closed and removed from the hub.
 */
final class StreamWriter implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(StreamWriter.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final EventHub hub;
    private final EventStream stream;
    private final SseEventSink sink;
    private final Sse sse;
    private final long retryMillis;
    private final long heartbeatMillis;

    StreamWriter(EventHub hub, EventStream stream, SseEventSink sink, Sse sse, long retryMillis, long heartbeatMillis) {
        this.hub = hub;
        this.stream = stream;
        this.sink = sink;
        this.sse = sse;
        this.retryMillis = retryMillis;
        this.heartbeatMillis = heartbeatMillis;
    }

    @Override
    public void run() {
        DisconnectReason reason = DisconnectReason.CLIENT_GONE;
        try {
            EventStream.Start start = stream.start();
            sendOpening(start);
            for (Frame frame : start.replay()) {
                write(frame);
            }
            while (true) {
                EventStream.Item item = stream.next(heartbeatMillis);
                if (item == null) {
                    send(sse.newEventBuilder().comment("heartbeat").build());
                } else if (item instanceof Frame frame) {
                    write(frame);
                } else if (item instanceof EventStream.End end) {
                    reason = end.reason();
                    if (end.comment() != null) {
                        send(sse.newEventBuilder().comment(end.comment()).build());
                    }
                    break;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            // A failed write: the client went away, or the stream was cut for being too slow.
            LOG.debug("Event stream {} of '{}' ended: {}", stream.number(), stream.principal().id(), e.toString());
        } finally {
            hub.closed(stream, reason);
            try {
                sink.close();
            } catch (IOException | RuntimeException e) {
                LOG.debug("Closing event stream {}: {}", stream.number(), e.toString());
            }
            stream.finish();
        }
    }

    private void sendOpening(EventStream.Start start) {
        ObjectNode hello = JsonNodeFactory.instance.objectNode()
                .put("epoch", hub.epoch())
                .put("position", start.position())
                .put("resumed", !start.fresh() && start.reset() == null)
                .put("replayed", start.replay().size())
                .put("allSubjects", stream.wide());
        stream.topics().forEach(hello.putArray("topics")::add);
        OutboundSseEvent.Builder opening = sse.newEventBuilder()
                .name("connected")
                .reconnectDelay(retryMillis)
                .mediaType(MediaType.TEXT_PLAIN_TYPE)
                .data(String.class, JSON.writeValueAsString(hello));
        if (start.fresh()) {
            // The current position: a client that drops before its first event resumes from here.
            opening.id(start.position());
        }
        send(opening.build());
        EventStream.Reset reset = start.reset();
        if (reset != null) {
            ObjectNode body = JsonNodeFactory.instance.objectNode()
                    .put("reason", reset.reason()).put("detail", reset.detail()).put("lastEventId", reset.lastEventId())
                    .put("position", start.position());
            send(sse.newEventBuilder().name("reset").id(start.position())
                    .mediaType(MediaType.TEXT_PLAIN_TYPE).data(String.class, JSON.writeValueAsString(body)).build());
        }
    }

    private void write(Frame frame) {
        send(sse.newEventBuilder()
                .id(frame.event().id())
                .name(frame.event().type())
                .mediaType(MediaType.TEXT_PLAIN_TYPE)
                .data(String.class, frame.json())
                .build());
        hub.delivered(frame);
    }

    private void send(OutboundSseEvent event) {
        if (sink.isClosed()) {
            throw new IllegalStateException("the client closed the stream");
        }
        try {
            sink.send(event).toCompletableFuture().join();
        } catch (CompletionException e) {
            throw new IllegalStateException("write failed: " + e.getCause(), e.getCause());
        }
        stream.wrote();
    }
}
