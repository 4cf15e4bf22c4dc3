package dev.switchboard.runtime.mcp;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The requests in flight of one MCP session, by JSON-RPC request id, so that
 * {@code notifications/cancelled} can reach them.
 */
final class Calls {

    private final Map<String, Call> calls = new ConcurrentHashMap<>();

    /** Registers a call in flight; {@code stream} is its response stream (null on stdio). */
    Call start(Object requestId, SseStream stream) {
        Call call = new Call(stream);
        calls.put(key(requestId), call);
        return call;
    }

    void end(Object requestId, Call call) {
        calls.remove(key(requestId), call);
    }

    Call get(Object requestId) {
        return requestId == null ? null : calls.get(key(requestId));
    }

    /** Cancels the call {@code requestId} names (null names none), if it is in flight; false when it is not. */
    boolean cancel(Object requestId) {
        Call call = get(requestId);
        if (call != null) {
            call.cancel();
        }
        return call != null;
    }

    void cancelAll() {
        calls.values().forEach(Call::cancel);
    }

    /** JSON-RPC ids are strings or numbers; 1 and 1L and 1.0 read from JSON are the same id. */
    static String key(Object requestId) {
        if (requestId instanceof Number number && number.doubleValue() == Math.rint(number.doubleValue())) {
            return "n" + number.longValue();
        }
        return (requestId instanceof Number ? "n" : "s") + requestId;
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

        /** The request's response stream; null on stdio. */
        SseStream stream() {
            return stream;
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
            if (stream != null) {
                stream.cancel();
            }
            if (waiting != null) {
                waiting.interrupt();
            }
        }
    }
}
