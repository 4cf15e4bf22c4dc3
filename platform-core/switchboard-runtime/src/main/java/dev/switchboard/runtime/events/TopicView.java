package dev.switchboard.runtime.events;

/**
 * A topic as {@code GET /api/events/topics} shows it.
 *
 * @param streams      the streams following it now
 * @param kept         the events its history keeps for replay
 * @param keptBytes    their size
 * @param oldestKeptId the oldest kept event's id, null when none is kept
 * @param latestKeptId the newest kept event's id, null when none is kept
 */
public record TopicView(String name, int streams, int kept, long keptBytes, String oldestKeptId, String latestKeptId) {
}
