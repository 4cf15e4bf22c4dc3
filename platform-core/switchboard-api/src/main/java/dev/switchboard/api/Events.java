package dev.switchboard.api;

import java.util.Set;
import java.util.function.Consumer;

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

    /**
     * Receives the events published to {@code topics} from now on, whoever publishes them (the
     * host's routes, this or another plugin); an empty set means every topic except the host's
     * {@code presence}, which a subscription gets only by naming it. A subscription sees every
     * event, whatever its subject: it runs inside the host, not for a principal.
     *
     * <p>The consumer runs on the subscription's own thread, one event at a time, in publication
     * order, with the plugin's class loader as context loader; an exception it throws is logged
     * and delivery goes on. Publishers never wait for it: each subscription queues up to
     * {@value #SUBSCRIPTION_QUEUE} events, and one that falls further behind loses the oldest,
     * counted in {@link Subscription#dropped()} and the {@code switchboard.events.subscription.dropped}
     * counter.
     *
     * <p>A plugin's subscriptions deliver once its version is live, and close on their own when the
     * version stops; across a swap, events published while the new version starts reach both
     * versions, so a consumer should tolerate seeing an event twice (as Dapr's at-least-once
     * delivery demands anyway).
     *
     * @throws IllegalArgumentException when a topic is not a valid topic name
     * @throws IllegalStateException    when this plugin version has stopped, or the host is shutting down
     * @since 0.1.0
     */
    Subscription subscribe(Set<String> topics, Consumer<Event> consumer);

    /** How many events a subscription holds for a consumer that is behind before it drops the oldest. */
    int SUBSCRIPTION_QUEUE = 10_000;

    /** A running subscription. */
    interface Subscription extends AutoCloseable {

        /** The topics it receives; empty for every topic but {@code presence}. */
        Set<String> topics();

        /** Events it lost because the consumer fell more than {@value Events#SUBSCRIPTION_QUEUE} behind. */
        long dropped();

        /** Stops delivery; events queued and not yet delivered are discarded. Idempotent. */
        @Override
        void close();
    }
}
