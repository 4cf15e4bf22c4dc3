package dev.switchboard.runtime.events;

import dev.switchboard.api.Event;
import dev.switchboard.api.Events;
import io.micrometer.core.instrument.Counter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * One subscription to the hub: a bounded queue the hub offers events to (never waiting), and a
 * virtual thread that hands them to the consumer one at a time. When the queue is full the oldest
 * event goes, so a slow consumer costs itself events, never the publishers time.
 */
final class HubSubscription implements Events.Subscription {

    private static final Logger LOG = LoggerFactory.getLogger(HubSubscription.class);

    private final Set<String> topics;
    private final Consumer<Event> consumer;
    private final Counter droppedCounter;
    private final Consumer<HubSubscription> onClose;
    private final int capacity;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition nonEmpty = lock.newCondition();
    // Guarded by lock.
    private final ArrayDeque<Event> queue = new ArrayDeque<>();
    private boolean closed;
    private final AtomicLong dropped = new AtomicLong();
    private final Thread thread;

    HubSubscription(Set<String> topics, Consumer<Event> consumer, int capacity, Counter droppedCounter, String name,
                    Consumer<HubSubscription> onClose) {
        this.topics = Set.copyOf(topics);
        this.consumer = consumer;
        this.capacity = capacity;
        this.droppedCounter = droppedCounter;
        this.onClose = onClose;
        this.thread = Thread.ofVirtual().name(name).unstarted(this::deliver);
    }

    void start() {
        thread.start();
    }

    /** Whether it receives events of this topic. */
    boolean wants(String topic) {
        return topics.isEmpty() ? !EventHub.PRESENCE_TOPIC.equals(topic) : topics.contains(topic);
    }

    /** Queues the event; drops the oldest when full. Never blocks beyond the queue's own lock. */
    void offer(Event event) {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            if (queue.size() >= capacity) {
                queue.pollFirst();
                dropped.incrementAndGet();
                droppedCounter.increment();
            }
            queue.addLast(event);
            nonEmpty.signal();
        } finally {
            lock.unlock();
        }
    }

    private void deliver() {
        while (true) {
            Event event;
            lock.lock();
            try {
                while (queue.isEmpty() && !closed) {
                    nonEmpty.awaitUninterruptibly();
                }
                if (closed) {
                    return;
                }
                event = queue.pollFirst();
            } finally {
                lock.unlock();
            }
            try {
                consumer.accept(event);
            } catch (RuntimeException | LinkageError e) {
                LOG.warn("An event subscriber ({}) failed on event {} of topic {}", thread.getName(), event.id(), event.topic(), e);
            }
        }
    }

    @Override
    public Set<String> topics() {
        return topics;
    }

    @Override
    public long dropped() {
        return dropped.get();
    }

    /** The events queued and not yet handed to the consumer. */
    int backlog() {
        lock.lock();
        try {
            return queue.size();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            queue.clear();
            nonEmpty.signalAll();
        } finally {
            lock.unlock();
        }
        if (Thread.currentThread() != thread) {
            // A consumer still busy with an event is asked to stop.
            thread.interrupt();
        }
        onClose.accept(this);
    }
}
