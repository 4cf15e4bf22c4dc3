package dev.switchboard.runtime.events;

import dev.switchboard.api.Event;

/**
 * One published event, rendered once as its SSE bytes ({@code id:}, {@code event:}, {@code data:}
 * and the blank line) and shared by the topic's history and every stream that delivers it.
 *
 * @param sse            the event as written on a stream
 * @param publishedNanos when it was accepted, for the publish-to-write latency
 */
record Frame(Event event, long seq, byte[] sse, long publishedNanos, Topic topic) implements EventStream.Item {

    /** Its size, for the history's and the streams' byte limits. */
    int bytes() {
        return sse.length;
    }
}
