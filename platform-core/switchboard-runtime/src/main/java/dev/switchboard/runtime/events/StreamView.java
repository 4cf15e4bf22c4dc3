package dev.switchboard.runtime.events;

import java.util.List;

/**
 * An open event stream as {@code GET /admin/streams} shows it.
 *
 * @param number      the stream's number in this process
 * @param principal   whose stream it is
 * @param allSubjects whether it sees every subject of its topics (a role allowed it), not only its principal's
 * @param openedAt    when it opened (ISO-8601)
 * @param lastWriteAt when something was last written to it, event or heartbeat (ISO-8601)
 * @param queued      events queued for it and not yet written
 */
public record StreamView(long number, String principal, List<String> topics, boolean allSubjects, String openedAt, String lastWriteAt,
                         int queued) {
}
