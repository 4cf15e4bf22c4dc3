package dev.switchboard.runtime.mcp;

import dev.switchboard.api.Principal;
import io.modelcontextprotocol.spec.McpStreamableServerSession;

import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One MCP session as the transport sees it: the SDK's session, the principal it was opened by
 * (every later request must come from the same one), its SSE streams (kept for resumption) and
 * its calls in flight (for cancellation).
 */
final class McpConnection {

    /** Streams kept after their response was sent, for a late {@code Last-Event-ID} reconnection. */
    private static final int FINISHED_STREAMS_KEPT = 32;

    final McpStreamableServerSession session;
    final String principalId;
    private final Map<String, SseStream> streams = new ConcurrentHashMap<>();
    final Calls calls = new Calls();
    private volatile long lastActive = System.nanoTime();

    McpConnection(McpStreamableServerSession session, Principal principal) {
        this.session = session;
        this.principalId = principal == null ? null : principal.id();
    }

    String id() {
        return session.getId();
    }

    void touch() {
        lastActive = System.nanoTime();
    }

    /** Nanotime of the last request, or of the last connection change of one of its streams. */
    long lastActive() {
        long last = lastActive;
        for (SseStream stream : streams.values()) {
            if (stream.connected()) {
                return System.nanoTime();
            }
            last = Math.max(last, stream.lastActive());
        }
        return last;
    }

    void add(SseStream stream) {
        streams.put(stream.id(), stream);
        long finished = streams.values().stream().filter(SseStream::finished).count();
        if (finished > FINISHED_STREAMS_KEPT) {
            // Forget the oldest finished streams.
            Iterator<SseStream> it = streams.values().stream().filter(SseStream::finished)
                    .sorted((a, b) -> Long.compare(a.lastActive(), b.lastActive())).iterator();
            for (long i = finished - FINISHED_STREAMS_KEPT; i > 0 && it.hasNext(); i--) {
                streams.remove(it.next().id());
            }
        }
    }

    SseStream stream(String id) {
        return id == null ? null : streams.get(id);
    }

    /** The open listening stream (GET), if any. */
    SseStream listening() {
        for (SseStream stream : streams.values()) {
            if (stream.listening() && !stream.finished()) {
                return stream;
            }
        }
        return null;
    }

    void close() {
        calls.cancelAll();
        streams.values().forEach(SseStream::close);
        session.close();
    }
}
