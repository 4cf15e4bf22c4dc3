package dev.switchboard.runtime.events;

import dev.switchboard.api.Event;

/**
 * One published event, serialized once and shared by the topic's history and every stream that
 * delivers it.
 *
 * @param json           the event as the SSE {@code data:} line carries it
 * @param bytes          its size, for the history's and the streams' byte limits
 * @param publishedNanos when it was accepted, for the publish-to-write latency
 */
record Frame(Event event, long seq, String json, int bytes, long publishedNanos, Topic topic) implements EventStream.Item {
}
