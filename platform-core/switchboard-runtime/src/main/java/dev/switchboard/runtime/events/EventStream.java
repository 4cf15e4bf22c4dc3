package dev.switchboard.runtime.events;

import dev.switchboard.api.Event;
import dev.switchboard.api.Principal;
import dev.switchboard.api.Priority;

import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One open event stream as the hub sees it: whose it is, what it asked for, and the bounded queue
 * of frames waiting for its writer. Publishers only ever {@link #offer} (never blocking); a stream
 * whose queue is full is disconnected instead of slowing anyone down.
 */
final class EventStream {

    /** What the writer takes from the queue: a frame to write, or the end of the stream. */
    sealed interface Item permits Frame, End {
    }

    /** The stream ends; {@code comment} (if any) is written first. */
    record End(DisconnectReason reason, String comment) implements Item {
    }

    /** How a stream starts: the replay, or the reset that says there is none. */
    record Start(String position, boolean fresh, List<Frame> replay, Reset reset) {
    }

    /** Why a client's Last-Event-ID cannot be resumed. */
    record Reset(String reason, String detail, String lastEventId) {
    }

    private final long number;
    private final Principal principal;
    private final List<String> topics;
    private final Set<String> types;
    private final Priority minPriority;
    private final boolean wide;
    private final Instant openedAt;
    private final int maxEvents;
    private final long maxBytes;

    private final LinkedBlockingQueue<Item> queue = new LinkedBlockingQueue<>();
    private final AtomicInteger queuedEvents = new AtomicInteger();
    private final AtomicLong queuedBytes = new AtomicLong();
    private final AtomicBoolean ended = new AtomicBoolean();
    private volatile boolean finished;
    private volatile long lastWriteMillis;
    private volatile Runnable abort = () -> { };
    private Start start;

    EventStream(long number, Principal principal, List<String> topics, Set<String> types, Priority minPriority, boolean wide,
                Instant openedAt, int maxEvents, long maxBytes) {
        this.number = number;
        this.principal = principal;
        this.topics = List.copyOf(topics);
        this.types = Set.copyOf(types);
        this.minPriority = minPriority;
        this.wide = wide;
        this.openedAt = openedAt;
        this.lastWriteMillis = openedAt.toEpochMilli();
        this.maxEvents = maxEvents;
        this.maxBytes = maxBytes;
    }

    long number() {
        return number;
    }

    Principal principal() {
        return principal;
    }

    List<String> topics() {
        return topics;
    }

    boolean wide() {
        return wide;
    }

    Instant openedAt() {
        return openedAt;
    }

    /** Whether this stream's principal may see {@code event} at all. */
    boolean sees(Event event) {
        return wide || event.broadcast() || event.subject().equals(principal.id());
    }

    /** Whether this stream asked for events like {@code event} (its type and priority filters). */
    boolean wants(Event event) {
        return (types.isEmpty() || types.contains(event.type())) && event.priority().compareTo(minPriority) >= 0;
    }

    /** Queues a frame; false when the queue is full (the stream must be disconnected). Never blocks. */
    boolean offer(Frame frame) {
        if (ended.get()) {
            return true;
        }
        if (queuedEvents.get() >= maxEvents || queuedBytes.get() + frame.bytes() > maxBytes) {
            return false;
        }
        queuedEvents.incrementAndGet();
        queuedBytes.addAndGet(frame.bytes());
        queue.add(frame);
        return true;
    }

    /** Frames waiting to be written. */
    int queued() {
        return queuedEvents.get();
    }

    /** The next thing to write, or null after {@code timeoutMillis} without one (time for a heartbeat). */
    Item next(long timeoutMillis) throws InterruptedException {
        Item item = queue.poll(timeoutMillis, TimeUnit.MILLISECONDS);
        if (item instanceof Frame frame) {
            queuedEvents.decrementAndGet();
            queuedBytes.addAndGet(-frame.bytes());
        }
        return item;
    }

    /**
     * Ends the stream: once, whatever the cause. The writer writes {@code comment} (if any) and
     * closes; when it is stuck writing to a reader that stopped reading, {@code abortNow} cuts the
     * connection. Returns the number of frames that will not be written, or -1 when it had ended already.
     */
    int end(DisconnectReason reason, String comment, boolean abortNow) {
        if (!ended.compareAndSet(false, true)) {
            return -1;
        }
        int dropped = queuedEvents.get();
        queue.add(new End(reason, comment));
        if (abortNow) {
            abort();
        }
        return dropped;
    }

    boolean ended() {
        return ended.get();
    }

    /** The writer is done: the response is closed. */
    void finish() {
        finished = true;
    }

    boolean finished() {
        return finished;
    }

    /** Cuts the connection under the writer (it may be blocked on a reader that stopped reading). */
    void abort() {
        Thread.ofVirtual().name("switchboard-stream-abort-" + number).start(abort);
    }

    void onAbort(Runnable action) {
        this.abort = action;
    }

    void wrote() {
        lastWriteMillis = System.currentTimeMillis();
    }

    long lastWriteMillis() {
        return lastWriteMillis;
    }

    void start(Start start) {
        this.start = start;
    }

    Start start() {
        return start;
    }
}
