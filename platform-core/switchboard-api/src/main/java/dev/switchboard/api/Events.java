package dev.switchboard.api;

import java.util.Set;

/**
 * The host's event hub, as a plugin publishes into it. Events reach the browsers holding
 * {@code GET /api/events/stream} open, each seeing what its principal may see; the hub keeps a
 * bounded history per topic so that reconnecting clients replay what they missed.
 *
 * <p>Publishing never blocks on readers and is safe from any thread, during or after
 * {@link SwitchboardPlugin#start}.
 *
 * @since 0.1.0
 */
public interface Events {

    /**
     * Publishes an event and returns it as stored, with its id and time.
     *
     * @throws EventRejectedException when the topic is unknown or reserved, or the event is
     *                                malformed or larger than {@code events.max_event_size}
     */
    Event publish(String topic, NewEvent event);

    /** The topics events can be published to right now. */
    Set<String> topics();
}
