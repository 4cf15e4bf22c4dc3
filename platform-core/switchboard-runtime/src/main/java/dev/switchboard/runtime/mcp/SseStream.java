package dev.switchboard.runtime.mcp;

import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.TypeRef;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpStreamableServerTransport;
import jakarta.servlet.AsyncContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * One SSE stream of a session: the response stream of one request, or the session's listening
 * stream (GET). Every message gets an event id {@code <stream>.<seq>} and is kept (the last
 * {@code mcp.replay_messages}) so that a client whose connection dropped can reconnect with
 * {@code Last-Event-ID} and get what it missed, on a new connection (SEP-1699). The stream
 * outlives its connections: the SDK writes into it whether or not a client is attached.
 *
 * <p>The first event on every connection is a priming event: an id, a {@code retry:} and empty
 * data, so that a client always holds an id to resume from.
 */
final class SseStream implements McpStreamableServerTransport {

    private static final Logger LOG = LoggerFactory.getLogger(SseStream.class);

    private final String id;
    private final McpJsonMapper json;
    private final int replayLimit;
    private final long retryMillis;
    private final boolean listening;
    private final Deque<Entry> replay = new ArrayDeque<>();
    private long seq;
    private AsyncContext attached;
    private OutputStream out;
    private boolean finished;
    private volatile boolean cancelled;
    private volatile long lastActive = System.nanoTime();

    private record Entry(long seq, byte[] frame) {
    }

    SseStream(String id, McpJsonMapper json, int replayLimit, long retryMillis, boolean listening) {
        this.id = id;
        this.json = json;
        this.replayLimit = replayLimit;
        this.retryMillis = retryMillis;
        this.listening = listening;
    }

    String id() {
        return id;
    }

    boolean listening() {
        return listening;
    }

    /** The sequence number an event id of this stream carries, or -1 when it is not one of this stream's. */
    long sequenceOf(String eventId) {
        if (eventId == null || !eventId.startsWith(id + ".")) {
            return -1;
        }
        try {
            return Long.parseLong(eventId.substring(id.length() + 1));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** The stream id an event id names, or null. */
    static String streamOf(String eventId) {
        int dot = eventId == null ? -1 : eventId.lastIndexOf('.');
        return dot <= 0 ? null : eventId.substring(0, dot);
    }

    /**
     * Attaches a client connection: writes the priming event, then every kept message after
     * {@code after} (0 for a new stream). A previously attached connection is completed. Returns
     * false when messages after {@code after} are no longer kept, so a resume would miss some.
     */
    synchronized boolean attach(AsyncContext context, long after) throws IOException {
        long oldest = replay.isEmpty() ? seq + 1 : replay.peekFirst().seq();
        if (after > 0 && after + 1 < oldest && after < seq) {
            return false;
        }
        detach();
        attached = context;
        out = context.getResponse().getOutputStream();
        lastActive = System.nanoTime();
        try {
            long primingSeq = after > 0 ? after : seq;
            out.write(("id: " + id + "." + primingSeq + "\nretry: " + retryMillis + "\ndata: \n\n").getBytes(StandardCharsets.UTF_8));
            for (Entry entry : replay) {
                if (entry.seq() > after) {
                    out.write(entry.frame());
                }
            }
            out.flush();
        } catch (IOException e) {
            detach();
            throw e;
        }
        if (finished) {
            detach();
        }
        return true;
    }

    /** Ends the current connection, if any, without ending the stream: the client may come back. */
    synchronized void detach() {
        if (attached != null) {
            AsyncContext context = attached;
            attached = null;
            out = null;
            try {
                context.complete();
            } catch (IllegalStateException e) {
                // Already completed (the client left, or the container timed it out).
            }
        }
    }

    /** Called by the container when the attached connection ends, whoever ended it. */
    synchronized void connectionEnded(AsyncContext context) {
        if (attached == context) {
            attached = null;
            out = null;
            lastActive = System.nanoTime();
        }
    }

    synchronized boolean connected() {
        return attached != null;
    }

    /** True once the request's response was sent (or the request was cancelled): nothing more will come. */
    synchronized boolean finished() {
        return finished;
    }

    /** Nanotime of the last connection or disconnection. */
    long lastActive() {
        return lastActive;
    }

    /** The request was cancelled: its response must not be sent (the spec's SHOULD NOT), and the stream ends. */
    void cancel() {
        cancelled = true;
    }

    @Override
    public Mono<Void> sendMessage(McpSchema.JSONRPCMessage message) {
        return sendMessage(message, null);
    }

    @Override
    public Mono<Void> sendMessage(McpSchema.JSONRPCMessage message, String messageId) {
        return Mono.fromRunnable(() -> send(message));
    }

    void send(McpSchema.JSONRPCMessage message) {
        if (cancelled && message instanceof McpSchema.JSONRPCResponse) {
            return;
        }
        String data;
        try {
            data = json.writeValueAsString(message);
        } catch (IOException e) {
            throw new IllegalStateException("An MCP message could not be serialized: " + e.getMessage(), e);
        }
        write(data);
    }

    private synchronized void write(String data) {
        if (finished) {
            return;
        }
        long next = ++seq;
        byte[] frame = ("id: " + id + "." + next + "\ndata: " + data + "\n\n").getBytes(StandardCharsets.UTF_8);
        if (replayLimit > 0) {
            replay.addLast(new Entry(next, frame));
            while (replay.size() > replayLimit) {
                replay.removeFirst();
            }
        }
        if (out != null) {
            try {
                out.write(frame);
                out.flush();
            } catch (IOException e) {
                // The client left: the message stays in the replay buffer for its reconnection.
                LOG.debug("MCP stream {}: the client left ({})", id, e.toString());
                detach();
            }
        }
    }

    /** The response was sent: the stream ends (its messages stay kept for a late reconnection). */
    @Override
    public Mono<Void> closeGracefully() {
        return Mono.fromRunnable(this::close);
    }

    @Override
    public synchronized void close() {
        finished = true;
        detach();
    }

    @Override
    public <T> T unmarshalFrom(Object data, TypeRef<T> typeRef) {
        return json.convertValue(data, typeRef);
    }
}
