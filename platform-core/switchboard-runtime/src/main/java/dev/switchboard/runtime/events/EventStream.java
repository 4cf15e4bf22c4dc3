package dev.switchboard.runtime.events;

import dev.switchboard.api.Event;
import dev.switchboard.api.Principal;
import dev.switchboard.api.Priority;

import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * One open event stream as the hub sees it: whose it is, what it asked for, and the bounded queue
 * of frames waiting for its writer. Publishers only ever {@link #offer} (never blocking); a stream
 * whose queue is full is disconnected instead of slowing anyone down.
 */
final class EventStream {

    /** What the writer takes from the queue: a frame to write, a heartbeat, or the end of the stream. */
    sealed interface Item permits Frame, Heartbeat, End {
    }

    /** The stream was idle for a heartbeat period: write a comment. */
    enum Heartbeat implements Item {
        INSTANCE
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

    // Many publishers, one writer: a lock-free queue, and the writer parks itself when it is empty.
    private final ConcurrentLinkedQueue<Item> queue = new ConcurrentLinkedQueue<>();
    private volatile Thread writer;
    private volatile boolean writerWaiting;
    private final AtomicInteger queuedEvents = new AtomicInteger();
    private final AtomicLong queuedBytes = new AtomicLong();
    private final AtomicBoolean ended = new AtomicBoolean();
    private final AtomicBoolean heartbeatQueued = new AtomicBoolean();
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
        enqueue(frame);
        return true;
    }

    private void enqueue(Item item) {
        queue.add(item);
        if (writerWaiting) {
            LockSupport.unpark(writer);
        }
    }

    /** Called by the writer thread before it takes anything. */
    void bindWriter(Thread thread) {
        this.writer = thread;
    }

    /** Frames waiting to be written. */
    int queued() {
        return queuedEvents.get();
    }

    /** The next thing to write, waiting for it (on the writer thread). */
    Item next() {
        while (true) {
            Item item = queue.poll();
            if (item != null) {
                return taken(item);
            }
            // Say we wait, then look again: an item added in between is seen here, or its unpark is.
            writerWaiting = true;
            item = queue.poll();
            if (item != null) {
                writerWaiting = false;
                return taken(item);
            }
            LockSupport.park(this);
            writerWaiting = false;
        }
    }

    /** The next thing to write if there is one already, else null. */
    Item nextNow() {
        return taken(queue.poll());
    }

    private Item taken(Item item) {
        if (item instanceof Frame frame) {
            queuedEvents.decrementAndGet();
            queuedBytes.addAndGet(-frame.bytes());
        } else if (item == Heartbeat.INSTANCE) {
            heartbeatQueued.set(false);
        }
        return item;
    }

    /**
     * Queues a heartbeat when nothing was written for {@code idleMillis} (and none is queued yet).
     * A timer calls this for every stream, so writers wait without a timeout: a timed wait per
     * event would cost a timer registration per event.
     */
    void heartbeatIfIdle(long nowMillis, long idleMillis) {
        if (!ended.get() && nowMillis - lastWriteMillis >= idleMillis && heartbeatQueued.compareAndSet(false, true)) {
            enqueue(Heartbeat.INSTANCE);
        }
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
        enqueue(new End(reason, comment));
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
