package dev.switchboard.runtime.events;

import dev.switchboard.api.Event;
import dev.switchboard.api.EventRejectedException;
import dev.switchboard.api.NewEvent;
import dev.switchboard.api.Principal;
import dev.switchboard.api.Priority;
import dev.switchboard.runtime.config.ByteSize;
import dev.switchboard.runtime.config.Settings;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.JsonNodeFactory;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The hub's rules, without HTTP: ids, validation, replay and resets, visibility, limits, slow streams, presence, shutdown. */
class EventHubTest {

    static final Principal ALICE = new Principal("alice", Set.of("student"));
    static final Principal BOB = new Principal("bob", Set.of("student"));
    static final Principal IVY = new Principal("ivy", Set.of("instructor"));

    final MutableClock clock = new MutableClock(Instant.parse("2026-11-22T10:00:00Z"));
    final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    EventHub hub;

    @AfterEach
    void close() {
        if (hub != null) {
            hub.close(0);
        }
    }

    static Settings.EventSettings settings(int maxEvents, Duration maxAge, int queueEvents, int perPrincipal, int total, boolean open) {
        return new Settings.EventSettings(List.of("learning.events", "student.progress"), open, 3, ByteSize.parse("1KB"),
                List.of("instructor"),
                new Settings.EventSettings.Replay(maxEvents, maxAge, ByteSize.parse("1MB")),
                new Settings.EventSettings.Streams(Duration.ofMillis(3000), Duration.ofSeconds(15), queueEvents, ByteSize.parse("1MB"),
                        perPrincipal, total),
                new Settings.EventSettings.Presence(List.of("instructor"), Duration.ofMillis(20), 1000));
    }

    EventHub hub(Settings.EventSettings settings) {
        hub = new EventHub(settings, meters, clock);
        return hub;
    }

    static NewEvent event(String type, int n) {
        return NewEvent.of(type, JsonNodeFactory.instance.numberNode(n));
    }

    static List<Event> drain(EventStream stream) {
        List<Event> events = new ArrayList<>();
        EventStream.Item item;
        while ((item = stream.nextNow()) != null) {
            if (item instanceof Frame frame) {
                events.add(frame.event());
            }
        }
        return events;
    }

    @Test
    void idsCountAcrossTopicsWithinOneEpochAndEveryEventIsRenderedOnce() {
        EventHub hub = hub(settings(100, Duration.ofMinutes(10), 100, 5, 100, false));
        Event first = hub.publish("learning.events", event("a", 1));
        Event second = hub.publish("student.progress", event("b", 2).withSubject("alice").withPriority(Priority.HIGH)
                .withMetadata(Map.of("trace", "t1")));
        assertThat(first.id()).isEqualTo(hub.epoch() + "-1");
        assertThat(second.id()).isEqualTo(hub.epoch() + "-2");
        assertThat(hub.position()).isEqualTo(second.id());
        assertThat(second.time()).isEqualTo(clock.instant());

        EventStream stream = hub.open(IVY, List.of("student.progress"), Set.of(), Priority.LOW, EventId.parse(first.id()).orElseThrow());
        Frame frame = stream.start().replay().getFirst();
        assertThat(new String(frame.sse(), StandardCharsets.UTF_8)).isEqualTo("id: " + second.id() + "\nevent: b\ndata: {\"id\":\"" + second.id()
                + "\",\"time\":\"" + second.time() + "\",\"topic\":\"student.progress\",\"type\":\"b\",\"subject\":\"alice\","
                + "\"priority\":\"high\",\"data\":2,\"metadata\":{\"trace\":\"t1\"}}\n\n");
    }

    @Test
    void malformedEventsAreRefusedAndLeaveNoTrace() {
        EventHub hub = hub(settings(100, Duration.ofMinutes(10), 100, 5, 100, false));
        String before = hub.position();
        record Case(NewEvent event, String topic, EventRejectedException.Reason reason) {
        }
        List<Case> cases = List.of(
                new Case(event("bad type!", 1), "learning.events", EventRejectedException.Reason.INVALID),
                new Case(event("connected", 1), "learning.events", EventRejectedException.Reason.INVALID),
                new Case(event("ok", 1).withSubject("x".repeat(300)), "learning.events", EventRejectedException.Reason.INVALID),
                new Case(event("ok", 1).withSubject("line\nbreak"), "learning.events", EventRejectedException.Reason.INVALID),
                new Case(event("ok", 1).withMetadata(Map.of("bad key", "v")), "learning.events", EventRejectedException.Reason.INVALID),
                new Case(NewEvent.of("ok", JsonNodeFactory.instance.stringNode("x".repeat(2000))), "learning.events", EventRejectedException.Reason.TOO_LARGE),
                new Case(event("ok", 1), "nope", EventRejectedException.Reason.UNKNOWN_TOPIC),
                new Case(event("ok", 1), EventHub.PRESENCE_TOPIC, EventRejectedException.Reason.RESERVED_TOPIC));
        for (Case c : cases) {
            assertThatThrownBy(() -> hub.publish(c.topic(), c.event())).isInstanceOf(EventRejectedException.class)
                    .satisfies(e -> assertThat(((EventRejectedException) e).reason()).isEqualTo(c.reason()));
        }
        assertThat(hub.position()).isEqualTo(before);
    }

    @Test
    void replayDeliversWhatWasMissedThatThePrincipalMaySeeInOrder() {
        EventHub hub = hub(settings(100, Duration.ofMinutes(10), 100, 5, 100, false));
        EventId start = EventId.parse(hub.position()).orElseThrow();
        Event forAlice = hub.publish("student.progress", event("mastery", 1).withSubject("alice"));
        hub.publish("student.progress", event("mastery", 2).withSubject("bob"));
        Event broadcast = hub.publish("learning.events", event("notice", 3));
        hub.publish("learning.events", event("noise", 4).withPriority(Priority.LOW));
        Event urgent = hub.publish("learning.events", event("notice", 5).withPriority(Priority.CRITICAL));

        EventStream alice = hub.open(ALICE, List.of("student.progress", "learning.events"), Set.of(), Priority.LOW, start);
        assertThat(alice.start().reset()).isNull();
        assertThat(alice.start().replay()).extracting(f -> f.event().id())
                .containsExactly(forAlice.id(), broadcast.id(), hub.epoch() + "-4", urgent.id());

        EventStream filtered = hub.open(IVY, List.of("learning.events"), Set.of("notice"), Priority.HIGH, start);
        assertThat(filtered.start().replay()).extracting(f -> f.event().id()).containsExactly(urgent.id());

        // Live events after the replay: nothing twice, nothing missed.
        Event live = hub.publish("student.progress", event("mastery", 6).withSubject("alice"));
        hub.publish("student.progress", event("mastery", 7).withSubject("bob"));
        assertThat(drain(alice)).extracting(Event::id).containsExactly(live.id());
    }

    @Test
    void aGapInTheHistoryOrAnotherEpochGivesAResetNeverAPartialReplay() {
        EventHub hub = hub(settings(3, Duration.ofMinutes(10), 100, 5, 100, false));
        EventId start = EventId.parse(hub.position()).orElseThrow();
        for (int i = 0; i < 5; i++) {
            hub.publish("learning.events", event("n", i));
        }
        String latest = hub.position();
        EventStream behind = hub.open(IVY, List.of("learning.events"), Set.of(), Priority.LOW, start);
        assertThat(behind.start().reset().reason()).isEqualTo("expired");
        assertThat(behind.start().replay()).isEmpty();
        // (Opening published a presence.joined event after this position, on a topic the stream does not follow.)
        assertThat(behind.start().position()).isEqualTo(latest);

        // Within the kept three: a normal replay.
        EventStream recent = hub.open(IVY, List.of("learning.events"), Set.of(), Priority.LOW, new EventId(hub.epoch(), 2));
        assertThat(recent.start().reset()).isNull();
        assertThat(recent.start().replay()).hasSize(3);

        // A topic that lost nothing does not reset for another's gap.
        EventStream other = hub.open(IVY, List.of("student.progress"), Set.of(), Priority.LOW, start);
        assertThat(other.start().reset()).isNull();

        EventStream restarted = hub.open(IVY, List.of("learning.events"), Set.of(), Priority.LOW, new EventId("zz", 3));
        assertThat(restarted.start().reset().reason()).isEqualTo("epoch");

        assertThatThrownBy(() -> hub.open(IVY, List.of("learning.events"), Set.of(), Priority.LOW, new EventId(hub.epoch(), 99)))
                .isInstanceOf(StreamRefusedException.class).satisfies(e -> assertThat(((StreamRefusedException) e).status()).isEqualTo(400));
    }

    @Test
    void eventsOlderThanTheAgeLimitLeaveTheHistory() {
        EventHub hub = hub(settings(100, Duration.ofMinutes(1), 100, 5, 100, false));
        EventId start = EventId.parse(hub.position()).orElseThrow();
        hub.publish("learning.events", event("old", 1));
        clock.advance(Duration.ofSeconds(61));
        assertThat(hub.open(IVY, List.of("learning.events"), Set.of(), Priority.LOW, start).start().reset().reason()).isEqualTo("expired");
    }

    @Test
    void streamsAreCappedPerPrincipalAndInTotal() {
        EventHub hub = hub(settings(100, Duration.ofMinutes(10), 100, 2, 3, false));
        EventStream first = hub.open(ALICE, List.of("learning.events"), Set.of(), Priority.LOW, null);
        hub.open(ALICE, List.of("learning.events"), Set.of(), Priority.LOW, null);
        assertThatThrownBy(() -> hub.open(ALICE, List.of("learning.events"), Set.of(), Priority.LOW, null))
                .satisfies(e -> assertThat(((StreamRefusedException) e).status()).isEqualTo(429));
        hub.open(BOB, List.of("learning.events"), Set.of(), Priority.LOW, null);
        assertThatThrownBy(() -> hub.open(IVY, List.of("learning.events"), Set.of(), Priority.LOW, null))
                .satisfies(e -> assertThat(((StreamRefusedException) e).status()).isEqualTo(503));
        hub.closed(first, DisconnectReason.CLIENT_GONE);
        assertThat(hub.open(ALICE, List.of("learning.events"), Set.of(), Priority.LOW, null)).isNotNull();
    }

    @Test
    void aStreamWhoseQueueOverflowsIsCutOffWhileOthersAndThePublisherGoOn() throws Exception {
        EventHub hub = hub(settings(100, Duration.ofMinutes(10), 3, 5, 100, false));
        EventStream slow = hub.open(IVY, List.of("learning.events"), Set.of(), Priority.LOW, null);
        EventStream fast = hub.open(ALICE, List.of("learning.events"), Set.of(), Priority.LOW, null);
        CountDownLatch aborted = new CountDownLatch(1);
        slow.onAbort(aborted::countDown);
        List<Event> received = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            hub.publish("learning.events", event("n", i));
            received.addAll(drain(fast));
        }
        assertThat(received).hasSize(10);
        assertThat(aborted.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(slow.ended()).isTrue();
        assertThat(hub.openStreams()).isEqualTo(1);
        assertThat(meters.counter("switchboard.events.disconnects", "reason", "slow_reader").count()).isEqualTo(1);
        assertThat(meters.counter("switchboard.events.dropped", "reason", "slow_reader").count()).isEqualTo(4);
    }

    @Test
    void openTopicsAreCreatedOnFirstUseUpToTheCap() {
        EventHub hub = hub(settings(100, Duration.ofMinutes(10), 100, 5, 100, true));
        hub.publish("new.topic", event("n", 1));
        assertThat(hub.topics()).contains("new.topic");
        assertThatThrownBy(() -> hub.publish("another.topic", event("n", 1)))
                .satisfies(e -> assertThat(((EventRejectedException) e).reason()).isEqualTo(EventRejectedException.Reason.TOO_MANY_TOPICS));
        assertThatThrownBy(() -> hub.publish("Bad Name", event("n", 1)))
                .satisfies(e -> assertThat(((EventRejectedException) e).reason()).isEqualTo(EventRejectedException.Reason.INVALID));
    }

    @Test
    void presenceJoinsOnTheFirstStreamAndLeavesAfterTheGrace() throws Exception {
        EventHub hub = hub(settings(100, Duration.ofMinutes(10), 100, 5, 100, false));
        EventStream watcher = hub.open(IVY, List.of(EventHub.PRESENCE_TOPIC), Set.of(), Priority.LOW, null);
        EventStream one = hub.open(ALICE, List.of("learning.events"), Set.of(), Priority.LOW, null);
        EventStream two = hub.open(ALICE, List.of("learning.events"), Set.of(), Priority.LOW, null);
        assertThat(drain(watcher)).extracting(Event::type).containsExactly("presence.joined");
        assertThat(hub.presence("learning.events")).singleElement().satisfies(seen -> {
            assertThat(seen.principal()).isEqualTo("alice");
            assertThat(seen.connections()).isEqualTo(2);
        });
        hub.closed(one, DisconnectReason.CLIENT_GONE);
        hub.closed(two, DisconnectReason.CLIENT_GONE);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        List<Event> seen = new ArrayList<>();
        while (seen.isEmpty() && System.nanoTime() < deadline) {
            seen.addAll(drain(watcher));
            Thread.sleep(5);
        }
        assertThat(seen).extracting(Event::type).containsExactly("presence.left");
        assertThat(hub.presence("learning.events")).isEmpty();
    }

    @Test
    void closingEndsEveryStreamAndRefusesMore() {
        EventHub hub = hub(settings(100, Duration.ofMinutes(10), 100, 5, 100, false));
        EventStream stream = hub.open(ALICE, List.of("learning.events"), Set.of(), Priority.LOW, null);
        stream.finish();
        hub.close(0);
        EventStream.Item last = stream.nextNow();
        assertThat(last).isInstanceOfSatisfying(EventStream.End.class, end -> assertThat(end.reason()).isEqualTo(DisconnectReason.SHUTDOWN));
        assertThatThrownBy(() -> hub.open(ALICE, List.of("learning.events"), Set.of(), Priority.LOW, null))
                .satisfies(e -> assertThat(((StreamRefusedException) e).status()).isEqualTo(503));
        // A publisher is told to go elsewhere (503), not that its event is malformed.
        assertThatThrownBy(() -> hub.publish("learning.events", event("n", 1))).isInstanceOfSatisfying(EventRejectedException.class,
                e -> assertThat(e.reason().status()).isEqualTo(503));
    }

    @Test
    void eventIdsParseStrictly() {
        assertThat(EventId.parse("abc123-0")).contains(new EventId("abc123", 0));
        assertThat(EventId.parse("abc-42")).contains(new EventId("abc", 42));
        for (String bad : List.of("", "42", "abc-", "-1", "ABC-1", "abc-01", "abc-1-2", "abc- 1", "abc-99999999999999999999")) {
            assertThat(EventId.parse(bad)).as(bad).isEmpty();
        }
    }

    /** A clock the test moves. */
    static final class MutableClock extends Clock {
        private volatile Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        void advance(Duration duration) {
            now = now.plus(duration);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}
