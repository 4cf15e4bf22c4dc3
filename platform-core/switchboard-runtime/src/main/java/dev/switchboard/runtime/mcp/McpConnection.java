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
    final String protocolVersion;
    private final Map<String, SseStream> streams = new ConcurrentHashMap<>();
    private final Map<String, Call> calls = new ConcurrentHashMap<>();
    private volatile long lastActive = System.nanoTime();

    McpConnection(McpStreamableServerSession session, Principal principal, String protocolVersion) {
        this.session = session;
        this.principalId = principal == null ? null : principal.id();
        this.protocolVersion = protocolVersion;
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

    /** Registers a call in flight under its JSON-RPC request id. */
    Call startCall(Object requestId, SseStream stream) {
        Call call = new Call(stream);
        calls.put(key(requestId), call);
        return call;
    }

    void endCall(Object requestId, Call call) {
        calls.remove(key(requestId), call);
    }

    Call call(Object requestId) {
        return requestId == null ? null : calls.get(key(requestId));
    }

    /** JSON-RPC ids are strings or numbers; 1 and 1L and 1.0 read from JSON are the same id. */
    private static String key(Object requestId) {
        if (requestId instanceof Number number && number.doubleValue() == Math.rint(number.doubleValue())) {
            return "n" + number.longValue();
        }
        return (requestId instanceof Number ? "n" : "s") + requestId;
    }

    void close() {
        calls.values().forEach(Call::cancel);
        streams.values().forEach(SseStream::close);
        session.close();
    }

    /**
     * A request in flight: cancellation marks it, drops its response and interrupts the thread
     * waiting for the skill (which stops the skill once no other caller waits for the same run).
     */
    static final class Call {
        private final SseStream stream;
        private Thread waiting;
        private boolean cancelled;

        Call(SseStream stream) {
            this.stream = stream;
        }

        /** The current thread is about to wait for the skill; false when the call was cancelled already. */
        synchronized boolean enter() {
            if (cancelled) {
                return false;
            }
            waiting = Thread.currentThread();
            return true;
        }

        /** The wait is over: no interrupt can reach the thread after this returns. */
        synchronized void exit() {
            waiting = null;
            Thread.interrupted();
        }

        synchronized boolean cancelled() {
            return cancelled;
        }

        synchronized void cancel() {
            if (cancelled) {
                return;
            }
            cancelled = true;
            stream.cancel();
            if (waiting != null) {
                waiting.interrupt();
            }
        }
    }
}
