package dev.switchboard.runtime.events;

import dev.switchboard.api.Event;
import dev.switchboard.api.Events;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static dev.switchboard.runtime.events.EventHubTest.event;
import static dev.switchboard.runtime.events.EventHubTest.settings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Subscriptions: what they receive, in which order, and that a slow one costs only itself. */
class EventSubscriptionTest {

    final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    final EventHub hub = new EventHub(settings(100, Duration.ofMinutes(10), 100, 5, 100, true), meters, Clock.systemUTC());

    @AfterEach
    void close() {
        hub.close(0);
    }

    @Test
    void aSubscriptionReceivesItsTopicsInPublicationOrder() throws Exception {
        BlockingQueue<Event> progress = new LinkedBlockingQueue<>();
        BlockingQueue<Event> everything = new LinkedBlockingQueue<>();
        hub.subscribe(Set.of("student.progress"), progress::add);
        hub.subscribe(Set.of(), everything::add);
        hub.publish("learning.events", event("a", 1));
        hub.publish("student.progress", event("b", 2));
        hub.publish("student.progress", event("c", 3));
        hub.publish(EventHub.PRESENCE_TOPIC, event("presence.joined", 4), true);

        assertThat(List.of(take(progress), take(progress))).extracting(Event::type).containsExactly("b", "c");
        assertThat(List.of(take(everything), take(everything), take(everything))).extracting(Event::type).containsExactly("a", "b", "c");
        assertThat(everything.poll(100, TimeUnit.MILLISECONDS)).as("presence only when named").isNull();
        assertThat(progress).isEmpty();
    }

    @Test
    void aConsumerThatFallsBehindLosesTheOldestAndNeverHoldsUpAPublisher() throws Exception {
        CountDownLatch busy = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        BlockingQueue<Event> seen = new LinkedBlockingQueue<>();
        Events.Subscription subscription = hub.subscribe(Set.of("learning.events"), event -> {
            seen.add(event);
            busy.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        hub.publish("learning.events", event("first", 0));
        assertThat(busy.await(10, TimeUnit.SECONDS)).isTrue();

        int more = Events.SUBSCRIPTION_QUEUE + 25;
        for (int n = 1; n <= more; n++) {
            hub.publish("learning.events", event("e", n));
        }
        assertThat(subscription.dropped()).isEqualTo(25);
        assertThat(meters.counter("switchboard.events.subscription.dropped").count()).isEqualTo(25);

        release.countDown();
        take(seen);
        assertThat(take(seen).data().intValue()).as("the oldest kept").isEqualTo(26);
    }

    @Test
    void aConsumerThatThrowsKeepsReceiving() throws Exception {
        BlockingQueue<Event> seen = new LinkedBlockingQueue<>();
        hub.subscribe(Set.of("learning.events"), event -> {
            seen.add(event);
            throw new IllegalStateException("consumer bug");
        });
        hub.publish("learning.events", event("a", 1));
        hub.publish("learning.events", event("b", 2));
        assertThat(List.of(take(seen), take(seen))).extracting(Event::type).containsExactly("a", "b");
    }

    @Test
    void aClosedSubscriptionReceivesNothingAndTheHubClosesTheRest() throws Exception {
        BlockingQueue<Event> closed = new LinkedBlockingQueue<>();
        BlockingQueue<Event> open = new LinkedBlockingQueue<>();
        hub.subscribe(Set.of("learning.events"), closed::add).close();
        Events.Subscription kept = hub.subscribe(Set.of("learning.events"), open::add);
        assertThat(meters.get("switchboard.events.subscriptions").gauge().value()).isEqualTo(1);
        hub.publish("learning.events", event("a", 1));
        take(open);
        assertThat(closed).isEmpty();

        hub.close(0);
        assertThat(meters.get("switchboard.events.subscriptions").gauge().value()).isZero();
        assertThatThrownBy(() -> hub.subscribe(Set.of(), e -> { })).isInstanceOf(IllegalStateException.class);
        kept.close();
    }

    @Test
    void aTopicThatIsNoTopicNameIsRefused() {
        assertThatThrownBy(() -> hub.subscribe(Set.of("Not A Topic"), e -> { }))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("'Not A Topic' is not a topic name");
    }

    private static Event take(BlockingQueue<Event> queue) throws InterruptedException {
        Event event = queue.poll(10, TimeUnit.SECONDS);
        assertThat(event).as("an event within 10 s").isNotNull();
        return event;
    }
}
