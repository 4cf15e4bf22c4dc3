package dev.switchboard.runtime.skills;

import dev.switchboard.api.SkillContext;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseBroadcaster;
import jakarta.ws.rs.sse.SseEventSink;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * One streaming job: a skill call running in the background for its owner, with the events it
 * produced so far ({@code connected}, {@code progress}, {@code delta}, then {@code complete} or
 * {@code error}) kept for whoever streams them, late or again.
 */
final class Job implements SkillContext {

    enum State { RUNNING, COMPLETED, FAILED, CANCELLED }

    /** One event of the job's stream; {@code seq} is its SSE id. */
    record Item(long seq, String name, String json) {
    }

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final long DELTA_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    /** Most events kept for a job; progress beyond it is dropped (the final event always goes out). */
    private static final int MAX_EVENTS = 1000;

    final String id;
    final String owner;
    final String skill;
    final Instant created = Instant.now();
    private final ScheduledExecutorService timer;
    private final List<Item> items = new ArrayList<>();
    private State state = State.RUNNING;
    private Instant finished;
    private long lastActivityNanos = System.nanoTime();
    private SseBroadcaster broadcaster;
    private Sse sse;
    private volatile boolean cancelRequested;
    private volatile Thread thread;
    private JsonNode pendingDelta;
    private long lastDeltaNanos;
    private boolean deltaScheduled;

    Job(String id, String owner, String skill, ScheduledExecutorService timer) {
        this.id = id;
        this.owner = owner;
        this.skill = skill;
        this.timer = timer;
        add("connected", JSON.createObjectNode().put("jobId", id).put("skill", skill));
    }

    void runOn(Thread thread) {
        this.thread = thread;
    }

    synchronized State state() {
        return state;
    }

    synchronized Instant finished() {
        return finished;
    }

    synchronized long lastActivityNanos() {
        return lastActivityNanos;
    }

    /** Ends the job as failed, cancelled or completed, with its last event; false when it had ended already. */
    synchronized boolean end(State end, String event, ObjectNode body) {
        if (state != State.RUNNING) {
            return false;
        }
        state = end;
        finished = Instant.now();
        pendingDelta = null;
        add(event, body);
        if (broadcaster != null) {
            broadcaster.close();
        }
        return true;
    }

    /** Stops the skill: it sees {@link #cancelled()} and its thread is interrupted. */
    void cancel() {
        cancelRequested = true;
        Thread running = thread;
        if (running != null) {
            running.interrupt();
        }
    }

    /** Sends the events so far (after {@code after}) to {@code sink}, then the live ones; closes it once the job has ended. */
    synchronized void subscribe(SseEventSink sink, Sse sse, long after) {
        for (Item item : items) {
            if (item.seq() > after) {
                if (sink.isClosed()) {
                    // The client left during the replay.
                    return;
                }
                try {
                    sink.send(event(sse, item));
                } catch (IllegalStateException e) {
                    return;
                }
            }
        }
        if (state != State.RUNNING) {
            try {
                sink.close();
            } catch (IOException e) {
                // The client is gone already.
            }
            return;
        }
        if (broadcaster == null) {
            this.sse = sse;
            broadcaster = sse.newBroadcaster();
        }
        broadcaster.register(sink);
    }

    private void add(String name, ObjectNode body) {
        lastActivityNanos = System.nanoTime();
        boolean last = !"progress".equals(name) && !"delta".equals(name);
        if (items.size() >= MAX_EVENTS && !last) {
            return;
        }
        Item item = new Item(items.size() + 1, name, JSON.writeValueAsString(body));
        items.add(item);
        if (broadcaster != null) {
            broadcaster.broadcast(event(sse, item));
        }
    }

    private static OutboundSseEvent event(Sse sse, Item item) {
        return sse.newEventBuilder().id(Long.toString(item.seq())).name(item.name())
                .mediaType(MediaType.TEXT_PLAIN_TYPE).data(String.class, item.json()).build();
    }

    @Override
    public synchronized void progress(double fraction, String message) {
        if (state == State.RUNNING) {
            add("progress", JSON.createObjectNode().put("fraction", Math.max(0, Math.min(1, fraction))).put("message", message));
        }
    }

    @Override
    public void log(String level, String message) {
        // Logs are for MCP clients; a job streams progress, partial output and the result.
    }

    @Override
    public synchronized void partial(JsonNode output) {
        if (state != State.RUNNING) {
            return;
        }
        long now = System.nanoTime();
        if (now - lastDeltaNanos >= DELTA_NANOS && !deltaScheduled) {
            lastDeltaNanos = now;
            add("delta", JSON.createObjectNode().set("output", output));
            return;
        }
        pendingDelta = output;
        if (!deltaScheduled) {
            deltaScheduled = true;
            timer.schedule(this::flushDelta, Math.max(1, DELTA_NANOS - (now - lastDeltaNanos)), TimeUnit.NANOSECONDS);
        }
    }

    private synchronized void flushDelta() {
        deltaScheduled = false;
        if (pendingDelta != null && state == State.RUNNING) {
            lastDeltaNanos = System.nanoTime();
            add("delta", JSON.createObjectNode().set("output", pendingDelta));
        }
        pendingDelta = null;
    }

    @Override
    public boolean cancelled() {
        return cancelRequested;
    }
}
