package dev.switchboard.runtime.events;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.ServletOutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes one stream, on its own virtual thread: the opening {@code connected} event (with the
 * {@code retry:} hint), the {@code reset} or the replay, then live events as they are queued and a
 * comment when the hub's timer finds the stream idle for a heartbeat period. A failed write means the client is
 * gone; the stream is then closed and removed from the hub.
 *
 * <p>Events are written as the bytes the hub rendered once for all streams, straight to the
 * servlet output (Jetty gathers them in its buffer), and whatever is queued when the writer gets
 * to it goes out with one flush: under load a stream catches up in a few large writes instead of
 * one system call per event.
 */
final class StreamWriter implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(StreamWriter.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final byte[] HEARTBEAT = ": heartbeat\n\n".getBytes(StandardCharsets.UTF_8);
    /** A batch is written once it reaches this size. */
    private static final int BATCH_BYTES = 32 * 1024;

    private final EventHub hub;
    private final EventStream stream;
    private final AsyncContext async;
    private final ServletOutputStream output;
    private final long retryMillis;
    private final List<Frame> batched = new ArrayList<>();
    private int batchBytes;

    StreamWriter(EventHub hub, EventStream stream, AsyncContext async, ServletOutputStream output, long retryMillis) {
        this.hub = hub;
        this.stream = stream;
        this.async = async;
        this.output = output;
        this.retryMillis = retryMillis;
    }

    @Override
    public void run() {
        DisconnectReason reason = DisconnectReason.CLIENT_GONE;
        stream.bindWriter(Thread.currentThread());
        try {
            EventStream.Start start = stream.start();
            opening(start);
            for (Frame frame : start.replay()) {
                add(frame);
                if (batchBytes >= BATCH_BYTES) {
                    flush();
                }
            }
            flush();
            while (true) {
                EventStream.Item item = stream.next();
                if (item == EventStream.Heartbeat.INSTANCE) {
                    write(HEARTBEAT);
                    continue;
                }
                EventStream.End end = null;
                while (item != null) {
                    if (item instanceof Frame frame) {
                        add(frame);
                    } else if (item instanceof EventStream.End last) {
                        end = last;
                        break;
                    }
                    // A heartbeat behind events is moot: the events are the sign of life.
                    item = batchBytes < BATCH_BYTES ? stream.nextNow() : null;
                }
                flush();
                if (end != null) {
                    reason = end.reason();
                    if (end.comment() != null) {
                        write((": " + end.comment() + "\n\n").getBytes(StandardCharsets.UTF_8));
                    }
                    break;
                }
            }
        } catch (IOException | RuntimeException e) {
            // A failed write: the client went away, or the stream was cut for being too slow.
            LOG.debug("Event stream {} of '{}' ended: {}", stream.number(), stream.principal().id(), e.toString());
        } finally {
            hub.closed(stream, reason);
            try {
                async.complete();
            } catch (RuntimeException e) {
                LOG.debug("Closing event stream {}: {}", stream.number(), e.toString());
            }
            stream.finish();
        }
    }

    private void opening(EventStream.Start start) throws IOException {
        ObjectNode hello = JsonNodeFactory.instance.objectNode()
                .put("epoch", hub.epoch())
                .put("position", start.position())
                .put("resumed", !start.fresh() && start.reset() == null)
                .put("replayed", start.replay().size())
                .put("allSubjects", stream.wide());
        stream.topics().forEach(hello.putArray("topics")::add);
        StringBuilder text = new StringBuilder("event: connected\n");
        if (start.fresh()) {
            // The current position: a client that drops before its first event resumes from here.
            text.append("id: ").append(start.position()).append('\n');
        }
        text.append("retry: ").append(retryMillis).append('\n');
        text.append("data: ").append(JSON.writeValueAsString(hello)).append("\n\n");
        EventStream.Reset reset = start.reset();
        if (reset != null) {
            ObjectNode body = JsonNodeFactory.instance.objectNode()
                    .put("reason", reset.reason()).put("detail", reset.detail()).put("lastEventId", reset.lastEventId())
                    .put("position", start.position());
            text.append("event: reset\nid: ").append(start.position()).append('\n');
            text.append("data: ").append(JSON.writeValueAsString(body)).append("\n\n");
        }
        write(text.toString().getBytes(StandardCharsets.UTF_8));
    }

    private void add(Frame frame) throws IOException {
        output.write(frame.sse());
        batched.add(frame);
        batchBytes += frame.bytes();
    }

    private void flush() throws IOException {
        if (batched.isEmpty()) {
            return;
        }
        output.flush();
        stream.wrote();
        for (Frame frame : batched) {
            hub.delivered(frame);
        }
        batched.clear();
        batchBytes = 0;
    }

    private void write(byte[] bytes) throws IOException {
        output.write(bytes);
        output.flush();
        stream.wrote();
    }
}
