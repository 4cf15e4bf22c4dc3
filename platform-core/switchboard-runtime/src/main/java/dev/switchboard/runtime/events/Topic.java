package dev.switchboard.runtime.events;

import dev.switchboard.api.Event;
import io.micrometer.core.instrument.Counter;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A topic: its bounded history for replay and the streams reading it, indexed so that an event
 * for one subject only visits the streams that may see it. Guarded by the hub's lock.
 */
final class Topic {

    final String name;
    final Counter published;
    final Counter delivered;

    private final ArrayDeque<Frame> history = new ArrayDeque<>();
    private long historyBytes;
    /** The highest sequence number dropped from the history; a client behind it has a gap. */
    private long droppedUpTo;

    /** Every stream on this topic. */
    private final Set<EventStream> all = new HashSet<>();
    /** Streams that see every subject's events. */
    private final Set<EventStream> wide = new HashSet<>();
    /** The other streams, by their principal's id: they see broadcasts and their own events. */
    private final Map<String, Set<EventStream>> bySubject = new HashMap<>();

    Topic(String name, Counter published, Counter delivered) {
        this.name = name;
        this.published = published;
        this.delivered = delivered;
    }

    void append(Frame frame, HistoryLimits limits) {
        history.addLast(frame);
        historyBytes += frame.bytes();
        trim(limits, frame.event().time());
    }

    /** Drops what is over the count, byte or age limit, oldest first. */
    void trim(HistoryLimits limits, Instant now) {
        Instant oldest = now.minus(limits.maxAge());
        while (!history.isEmpty() && (history.size() > limits.maxEvents() || historyBytes > limits.maxBytes()
                || history.peekFirst().event().time().isBefore(oldest))) {
            Frame dropped = history.removeFirst();
            historyBytes -= dropped.bytes();
            droppedUpTo = dropped.seq();
        }
    }

    /** True when an event after {@code seq} was dropped from the history. */
    boolean lostAfter(long seq) {
        return droppedUpTo > seq;
    }

    /** The kept events after {@code seq} that {@code stream} delivers, oldest first. */
    void collectAfter(long seq, EventStream stream, List<Frame> into) {
        // The history is in sequence order; walk back to the first one after seq.
        var it = history.descendingIterator();
        List<Frame> newer = new ArrayList<>();
        while (it.hasNext()) {
            Frame frame = it.next();
            if (frame.seq() <= seq) {
                break;
            }
            if (stream.sees(frame.event()) && stream.wants(frame.event())) {
                newer.add(frame);
            }
        }
        for (int i = newer.size() - 1; i >= 0; i--) {
            into.add(newer.get(i));
        }
    }

    void add(EventStream stream) {
        all.add(stream);
        if (stream.wide()) {
            wide.add(stream);
        } else {
            bySubject.computeIfAbsent(stream.principal().id(), k -> new HashSet<>()).add(stream);
        }
    }

    void remove(EventStream stream) {
        all.remove(stream);
        if (stream.wide()) {
            wide.remove(stream);
        } else {
            Set<EventStream> mine = bySubject.get(stream.principal().id());
            if (mine != null && mine.remove(stream) && mine.isEmpty()) {
                bySubject.remove(stream.principal().id());
            }
        }
    }

    /** Offers {@code frame} to every stream that may see it; returns the streams that could not take it. */
    List<EventStream> fanOut(Frame frame) {
        Event event = frame.event();
        List<EventStream> overflowed = null;
        if (event.broadcast()) {
            overflowed = offer(all, frame, null);
        } else {
            overflowed = offer(wide, frame, null);
            Set<EventStream> own = bySubject.get(event.subject());
            if (own != null) {
                overflowed = offer(own, frame, overflowed);
            }
        }
        return overflowed == null ? List.of() : overflowed;
    }

    private static List<EventStream> offer(Set<EventStream> streams, Frame frame, List<EventStream> overflowed) {
        for (EventStream stream : streams) {
            if (stream.wants(frame.event()) && !stream.offer(frame)) {
                if (overflowed == null) {
                    overflowed = new ArrayList<>();
                }
                overflowed.add(stream);
            }
        }
        return overflowed;
    }

    int historySize() {
        return history.size();
    }

    long historyBytes() {
        return historyBytes;
    }

    Frame oldest() {
        return history.peekFirst();
    }

    Frame newest() {
        return history.peekLast();
    }

    int streamCount() {
        return all.size();
    }

    record HistoryLimits(int maxEvents, long maxBytes, Duration maxAge) {
    }
}
