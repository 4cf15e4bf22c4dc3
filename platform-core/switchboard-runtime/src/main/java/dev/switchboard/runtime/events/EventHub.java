package dev.switchboard.runtime.events;

import dev.switchboard.api.Event;
import dev.switchboard.api.EventRejectedException.Reason;
import dev.switchboard.api.EventRejectedException;
import dev.switchboard.api.Events;
import dev.switchboard.api.NewEvent;
import dev.switchboard.api.Principal;
import dev.switchboard.api.Priority;
import dev.switchboard.runtime.config.Settings;
import dev.switchboard.runtime.http.Problems;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * The event hub: topics with a bounded history, and the open streams they fan out to.
 *
 * <p>One lock orders everything that changes the hub: assigning a sequence number, appending to
 * a topic's history, queuing the event on the streams, and opening or closing a stream. So a
 * stream receives events in sequence order, and a stream that opens gets exactly the events
 * after its replay, none twice and none missed. Nothing under the lock blocks: streams are fed
 * through their own bounded queues and written by their own threads.
 */
public final class EventHub implements Events, AutoCloseable {

    /** The host's own topic of {@code presence.joined} and {@code presence.left} events. */
    public static final String PRESENCE_TOPIC = "presence";
    /** Event names the stream protocol itself uses; published events cannot take them. */
    static final Set<String> CONTROL_TYPES = Set.of("connected", "reset");

    static final Pattern TOPIC_NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,127}");
    private static final Pattern TYPE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    private static final Pattern METADATA_KEY = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final int MAX_SUBJECT = 256;
    private static final int MAX_METADATA = 32;
    private static final int MAX_METADATA_VALUE = 1024;

    private static final Logger LOG = LoggerFactory.getLogger(EventHub.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final Settings.EventSettings settings;
    private final Topic.HistoryLimits limits;
    private final Clock clock;
    private final String epoch;
    private final MeterRegistry meters;
    private final ReentrantLock lock = new ReentrantLock();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("switchboard-events").factory());
    private final Presence presence;
    private final Timer latency;
    private final Counter presenceSkipped;
    private final Counter subscriptionDropped;
    private final List<HubSubscription> subscriptions = new CopyOnWriteArrayList<>();
    private final AtomicLong subscriptionNumbers = new AtomicLong();

    // Guarded by lock.
    private final Map<String, Topic> topics = new ConcurrentHashMap<>();
    private final Set<EventStream> streams = new LinkedHashSet<>();
    private final Map<String, Integer> streamsPerPrincipal = new HashMap<>();
    private long seq;
    private long streamNumbers;
    private boolean closed;

    public EventHub(Settings.EventSettings settings, MeterRegistry meters, Clock clock) {
        this.settings = settings;
        this.limits = new Topic.HistoryLimits(settings.replay().maxEvents(), settings.replay().maxBytes().bytes(),
                settings.replay().maxAge());
        this.clock = clock;
        this.meters = meters;
        // Base 36 of the start time: a new epoch on every start, ordered, short.
        this.epoch = Long.toString(clock.millis(), 36);
        this.presence = new Presence(settings.presence().grace(), settings.presence().maxEventsPerSecond(), timer, lock, new Presence.Emitter() {
                    @Override
                    public void emit(String type, String topic, String principal) {
                        ObjectNode data = JsonNodeFactory.instance.objectNode().put("topic", topic).put("principal", principal);
                        publish(PRESENCE_TOPIC, NewEvent.of(type, data), true);
                    }

                    @Override
                    public void skipped() {
                        presenceSkipped.increment();
                    }
                });
        this.latency = Timer.builder("switchboard.events.latency")
                .description("Time from an event's publication to its write on a stream")
                .publishPercentiles(0.5, 0.99)
                .register(meters);
        this.presenceSkipped = Counter.builder("switchboard.events.presence.skipped")
                .description("Presence events not published because of events.presence.max_events_per_second")
                .register(meters);
        Gauge.builder("switchboard.events.streams.open", this, EventHub::openStreams)
                .description("Event streams open now").register(meters);
        this.subscriptionDropped = Counter.builder("switchboard.events.subscription.dropped")
                .description("Events a subscription lost because its consumer fell more than " + SUBSCRIPTION_QUEUE + " behind")
                .register(meters);
        Gauge.builder("switchboard.events.subscriptions", subscriptions, List::size)
                .description("Event subscriptions open now (plugins' bridges and caches)").register(meters);
        for (String name : settings.topics()) {
            topics.computeIfAbsent(name, this::newTopic);
        }
        topics.computeIfAbsent(PRESENCE_TOPIC, this::newTopic);
        // Idle streams get a heartbeat between one and one and a half periods after their last write.
        long heartbeat = settings.streams().heartbeat().toMillis();
        long scan = Math.max(20, Math.min(1000, heartbeat / 2));
        timer.scheduleWithFixedDelay(this::heartbeats, scan, scan, TimeUnit.MILLISECONDS);
    }

    /** The current epoch: it changes on every start, so ids from before a restart are recognized. */
    public String epoch() {
        return epoch;
    }

    /** The id of the latest event, {@code <epoch>-0} before the first. */
    public String position() {
        lock.lock();
        try {
            return epoch + "-" + seq;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public Set<String> topics() {
        Set<String> names = new TreeSet<>(topics.keySet());
        names.remove(PRESENCE_TOPIC);
        return names;
    }

    /** Whether {@code name} can be streamed or published to (it exists, or topics are open and it is a valid name). */
    boolean topicAvailable(String name) {
        return topics.containsKey(name) || settings.openTopics() && TOPIC_NAME.matcher(name).matches();
    }

    /** Whether {@code principal} may see who is connected and follow the presence topic. */
    boolean maySeePresence(Principal principal) {
        return settings.presence().visibleTo().stream().anyMatch(principal::hasRole);
    }

    Settings.EventSettings settings() {
        return settings;
    }

    @Override
    public Event publish(String topic, NewEvent event) {
        return publish(topic, event, false);
    }

    Event publish(String topicName, NewEvent draft, boolean host) {
        if (!host && PRESENCE_TOPIC.equals(topicName)) {
            throw new EventRejectedException(Reason.RESERVED_TOPIC, "The topic 'presence' is the host's own; only the host publishes there.");
        }
        validate(draft);
        String tail = tail(topicName, draft);
        lock.lock();
        try {
            if (closed) {
                throw new EventRejectedException(Reason.SHUTTING_DOWN, "The server is shutting down; publish to another instance.");
            }
            Topic topic = topic(topicName);
            long number = ++seq;
            Instant now = clock.instant();
            String id = epoch + "-" + number;
            Event event = new Event(id, topicName, draft.type(), draft.subject(), draft.priority(), now, draft.data(), draft.metadata());
            // Rendered once for every stream: type and id cannot hold line breaks (validated), the JSON is on one line.
            String sse = "id: " + id + "\nevent: " + draft.type() + "\ndata: {\"id\":\"" + id + "\",\"time\":\"" + now + "\"," + tail + "\n\n";
            Frame frame = new Frame(event, number, sse.getBytes(StandardCharsets.UTF_8), System.nanoTime(), topic);
            topic.append(frame, limits);
            topic.published.increment();
            for (EventStream slow : topic.fanOut(frame)) {
                disconnect(slow, DisconnectReason.SLOW_READER, null, true);
            }
            for (HubSubscription subscription : subscriptions) {
                if (subscription.wants(topicName)) {
                    subscription.offer(event);
                }
            }
            return event;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public Subscription subscribe(Set<String> topicNames, Consumer<Event> consumer) {
        Objects.requireNonNull(consumer, "consumer");
        for (String name : topicNames) {
            if (name == null || !TOPIC_NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("'" + name + "' is not a topic name: lower-case letters, digits, '.', '_' and '-', "
                        + "starting with a letter or digit, at most 128 characters");
            }
        }
        String name = "switchboard-subscription-" + subscriptionNumbers.incrementAndGet();
        HubSubscription subscription = new HubSubscription(topicNames, consumer, SUBSCRIPTION_QUEUE, subscriptionDropped, name,
                subscriptions::remove);
        lock.lock();
        try {
            if (closed) {
                throw new IllegalStateException("The server is shutting down; the event hub takes no new subscriptions.");
            }
            // Under the lock: the subscription gets exactly the events published after this point.
            subscriptions.add(subscription);
        } finally {
            lock.unlock();
        }
        subscription.start();
        return subscription;
    }

    /** The event's JSON after its id and time: serialized outside the lock. */
    private String tail(String topic, NewEvent draft) {
        String data = JSON.writeValueAsString(draft.data());
        if (data.getBytes(StandardCharsets.UTF_8).length > settings.maxEventSize().bytes()) {
            throw new EventRejectedException(Reason.TOO_LARGE, "The event's data is larger than events.max_event_size ("
                    + settings.maxEventSize() + ").");
        }
        ObjectNode head = JsonNodeFactory.instance.objectNode()
                .put("topic", topic).put("type", draft.type()).put("subject", draft.subject())
                .put("priority", draft.priority().wireName());
        String headJson = JSON.writeValueAsString(head);
        String metadata = JSON.writeValueAsString(draft.metadata());
        return headJson.substring(1, headJson.length() - 1) + ",\"data\":" + data + ",\"metadata\":" + metadata + "}";
    }

    private static void validate(NewEvent draft) {
        if (!TYPE.matcher(draft.type()).matches()) {
            throw new EventRejectedException(Reason.INVALID, "type: " + Problems.echo(draft.type())
                    + " is not an event type (1 to 128 letters, digits, '.', '_' or '-', starting with a letter or digit).");
        }
        if (CONTROL_TYPES.contains(draft.type())) {
            throw new EventRejectedException(Reason.INVALID, "type: '" + draft.type() + "' is reserved by the stream protocol.");
        }
        if (draft.subject().length() > MAX_SUBJECT || draft.subject().chars().anyMatch(Character::isISOControl)) {
            throw new EventRejectedException(Reason.INVALID, "subject: at most " + MAX_SUBJECT + " characters, no control characters.");
        }
        if (draft.metadata().size() > MAX_METADATA) {
            throw new EventRejectedException(Reason.INVALID, "metadata: at most " + MAX_METADATA + " entries.");
        }
        for (Map.Entry<String, String> entry : draft.metadata().entrySet()) {
            if (!METADATA_KEY.matcher(entry.getKey()).matches()) {
                throw new EventRejectedException(Reason.INVALID, "metadata: " + Problems.echo(entry.getKey())
                        + " is not a key (1 to 64 letters, digits, '.', '_' or '-').");
            }
            if (entry.getValue() == null || entry.getValue().length() > MAX_METADATA_VALUE) {
                throw new EventRejectedException(Reason.INVALID, "metadata." + entry.getKey() + ": a string of at most "
                        + MAX_METADATA_VALUE + " characters.");
            }
        }
    }

    /** The topic named {@code name}, created when topics are open. Call with the lock held. */
    private Topic topic(String name) {
        Topic topic = topics.get(name);
        if (topic != null) {
            return topic;
        }
        if (!settings.openTopics()) {
            throw new EventRejectedException(Reason.UNKNOWN_TOPIC, "There is no topic " + Problems.echo(name) + ". Topics: "
                    + String.join(", ", topics()) + " (events.topics).");
        }
        if (!TOPIC_NAME.matcher(name).matches()) {
            throw new EventRejectedException(Reason.INVALID, Problems.echo(name)
                    + " is not a topic name (lower case letters, digits, '.', '_' or '-', at most 128).");
        }
        if (topics.size() >= settings.maxTopics() + 1) {
            throw new EventRejectedException(Reason.TOO_MANY_TOPICS, "The hub holds " + settings.maxTopics()
                    + " topics already (events.max_topics).");
        }
        return topics.computeIfAbsent(name, this::newTopic);
    }

    private Topic newTopic(String name) {
        return new Topic(name,
                Counter.builder("switchboard.events.published").description("Events published").tag("topic", name).register(meters),
                Counter.builder("switchboard.events.delivered").description("Events written to streams").tag("topic", name).register(meters));
    }

    /**
     * Opens a stream: checks the limits, works out the replay (or the reset) for
     * {@code lastEventId}, and registers the stream for live events, all at one point in the
     * sequence. The caller then runs the stream's writer.
     *
     * @throws StreamRefusedException when a limit or the request refuses it
     */
    EventStream open(Principal principal, List<String> topicNames, Set<String> types, Priority minPriority, EventId lastEventId) {
        lock.lock();
        try {
            if (closed) {
                throw new StreamRefusedException(503, "The server is shutting down; reconnect to another instance.");
            }
            if (lastEventId != null && lastEventId.epoch().equals(epoch) && lastEventId.seq() > seq) {
                throw new StreamRefusedException(400, "Last-Event-ID " + lastEventId + " is after the latest event (" + epoch + "-" + seq
                        + "); it was not issued by this server.");
            }
            List<Topic> chosen = new ArrayList<>();
            for (String name : topicNames) {
                try {
                    chosen.add(topic(name));
                } catch (EventRejectedException e) {
                    throw new StreamRefusedException(e.reason().status(), e.getMessage());
                }
            }
            // A slot held by a client that went away is freed at the next heartbeat: the soonest a retry can succeed.
            Duration retryAfter = settings.streams().heartbeat();
            if (streams.size() >= settings.streams().maxTotal()) {
                throw StreamRefusedException.limit(503, "This instance holds " + settings.streams().maxTotal()
                        + " event streams already (events.streams.max_total); retry later.", retryAfter);
            }
            int mine = streamsPerPrincipal.getOrDefault(principal.id(), 0);
            if (mine >= settings.streams().maxPerPrincipal()) {
                throw StreamRefusedException.limit(429, "'" + principal.id() + "' has " + mine
                        + " event streams open, the most allowed (events.streams.max_per_principal); close one first.", retryAfter);
            }
            boolean wide = settings.allSubjectsRoles().stream().anyMatch(principal::hasRole);
            Instant now = clock.instant();
            EventStream stream = new EventStream(++streamNumbers, principal, topicNames, types, minPriority, wide, now,
                    settings.streams().queueEvents(), settings.streams().queueBytes().bytes());
            stream.start(resume(stream, chosen, lastEventId, now));
            streams.add(stream);
            streamsPerPrincipal.merge(principal.id(), 1, Integer::sum);
            for (Topic topic : chosen) {
                topic.add(stream);
                if (!PRESENCE_TOPIC.equals(topic.name)) {
                    presence.joined(topic.name, stream, now);
                }
            }
            return stream;
        } finally {
            lock.unlock();
        }
    }

    private EventStream.Start resume(EventStream stream, List<Topic> chosen, EventId last, Instant now) {
        String position = epoch + "-" + seq;
        if (last == null) {
            return new EventStream.Start(position, true, List.of(), null);
        }
        if (!last.epoch().equals(epoch)) {
            return new EventStream.Start(position, false, List.of(), new EventStream.Reset("epoch",
                    "The server restarted since " + last + " and its event history is gone; reload the state, then follow this stream.",
                    last.toString()));
        }
        for (Topic topic : chosen) {
            topic.trim(limits, now);
            if (topic.lostAfter(last.seq())) {
                return new EventStream.Start(position, false, List.of(), new EventStream.Reset("expired",
                        "Events after " + last + " on '" + topic.name + "' are no longer kept (events.replay); reload the state, then follow this stream.",
                        last.toString()));
            }
        }
        List<Frame> replay = new ArrayList<>();
        for (Topic topic : chosen) {
            topic.collectAfter(last.seq(), stream, replay);
        }
        replay.sort(Comparator.comparingLong(Frame::seq));
        return new EventStream.Start(position, false, replay, null);
    }

    /** Called by a stream's writer when it stopped, whatever the reason. */
    void closed(EventStream stream, DisconnectReason reason) {
        lock.lock();
        try {
            disconnect(stream, reason, null, false);
        } finally {
            lock.unlock();
        }
    }

    /** Removes a stream and ends it. Call with the lock held. */
    private void disconnect(EventStream stream, DisconnectReason reason, String comment, boolean abortNow) {
        if (streams.remove(stream)) {
            streamsPerPrincipal.computeIfPresent(stream.principal().id(), (k, n) -> n == 1 ? null : n - 1);
            for (String name : stream.topics()) {
                Topic topic = topics.get(name);
                if (topic != null) {
                    topic.remove(stream);
                    presence.left(name, stream);
                }
            }
        }
        int dropped = stream.end(reason, comment, abortNow);
        if (dropped >= 0) {
            Counter.builder("switchboard.events.disconnects").description("Event streams ended by the server, by reason")
                    .tag("reason", reason.tag()).register(meters).increment();
            if (reason == DisconnectReason.SLOW_READER) {
                // The event that did not fit, and those still queued.
                Counter.builder("switchboard.events.dropped").description("Events not delivered to a stream, by reason")
                        .tag("reason", reason.tag()).register(meters).increment(dropped + 1);
                LOG.info("Event stream {} of '{}' fell {} events behind; disconnected (it will reconnect and replay)",
                        stream.number(), stream.principal().id(), dropped);
            }
        }
    }

    /** Ends every stream of {@code principal} (an operator revoked it, say); returns how many. */
    int disconnect(String principal) {
        lock.lock();
        try {
            List<EventStream> theirs = streams.stream().filter(s -> s.principal().id().equals(principal)).toList();
            for (EventStream stream : theirs) {
                disconnect(stream, DisconnectReason.ADMIN, "disconnected by an operator", false);
            }
            return theirs.size();
        } finally {
            lock.unlock();
        }
    }

    private void heartbeats() {
        EventStream[] open;
        lock.lock();
        try {
            open = streams.toArray(EventStream[]::new);
        } finally {
            lock.unlock();
        }
        long now = System.currentTimeMillis();
        long idle = settings.streams().heartbeat().toMillis();
        for (EventStream stream : open) {
            stream.heartbeatIfIdle(now, idle);
        }
    }

    /** Records a write: for the latency timer and the delivered counter. */
    void delivered(Frame frame) {
        frame.topic().delivered.increment();
        latency.record(System.nanoTime() - frame.publishedNanos(), TimeUnit.NANOSECONDS);
    }

    int openStreams() {
        lock.lock();
        try {
            return streams.size();
        } finally {
            lock.unlock();
        }
    }

    List<Presence.Seen> presence(String topic) {
        lock.lock();
        try {
            return presence.on(topic);
        } finally {
            lock.unlock();
        }
    }

    /** Every topic, for {@code GET /api/events/topics}. */
    List<TopicView> describeTopics() {
        lock.lock();
        try {
            List<TopicView> described = new ArrayList<>();
            Instant now = clock.instant();
            for (String name : new TreeSet<>(topics.keySet())) {
                Topic topic = topics.get(name);
                topic.trim(limits, now);
                described.add(new TopicView(name, topic.streamCount(), topic.historySize(), topic.historyBytes(),
                        topic.oldest() == null ? null : topic.oldest().event().id(),
                        topic.newest() == null ? null : topic.newest().event().id()));
            }
            return described;
        } finally {
            lock.unlock();
        }
    }

    /** Every open stream, for {@code GET /admin/streams}. */
    List<StreamView> describeStreams() {
        lock.lock();
        try {
            List<StreamView> described = new ArrayList<>();
            for (EventStream stream : streams) {
                described.add(new StreamView(stream.number(), stream.principal().id(), stream.topics(), stream.wide(),
                        stream.openedAt().toString(), Instant.ofEpochMilli(stream.lastWriteMillis()).toString(), stream.queued()));
            }
            return described;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Ends every stream with a last comment, so clients reconnect (to another instance), and
     * refuses new ones. Waits up to {@code waitMillis} for the writers to finish, then cuts the
     * connections that are still busy.
     */
    @Override
    public void close() {
        close(2000);
    }

    public void close(long waitMillis) {
        List<EventStream> open;
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            subscriptions.forEach(HubSubscription::close);
            open = new ArrayList<>(streams);
            for (EventStream stream : open) {
                disconnect(stream, DisconnectReason.SHUTDOWN, "server shutting down; reconnect", false);
            }
        } finally {
            lock.unlock();
        }
        timer.shutdownNow();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(waitMillis);
        for (EventStream stream : open) {
            while (!stream.finished() && System.nanoTime() < deadline) {
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            if (!stream.finished()) {
                stream.abort();
            }
        }
    }
}
