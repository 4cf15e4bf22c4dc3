package dev.switchboard.runtime.web;

import dev.switchboard.runtime.plugins.PluginEvent;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseBroadcaster;
import jakarta.ws.rs.sse.SseEventSink;
import tools.jackson.databind.json.JsonMapper;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The stream behind {@code GET /admin/events}: plugin lifecycle events as Server-Sent Events,
 * one JSON object per event, with a comment heartbeat so idle proxies keep the stream open. It
 * lives in the core application, so it stays open across plugin swaps.
 */
public final class AdminEvents implements AutoCloseable {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final Duration heartbeat;
    private final AtomicLong ids = new AtomicLong();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("switchboard-admin-events").factory());
    private Sse sse;
    private SseBroadcaster broadcaster;

    public AdminEvents(Duration heartbeat) {
        this.heartbeat = heartbeat;
    }

    synchronized void subscribe(SseEventSink sink, Sse sse) {
        if (broadcaster == null) {
            this.sse = sse;
            this.broadcaster = sse.newBroadcaster();
            timer.scheduleAtFixedRate(this::heartbeat, heartbeat.toMillis(), heartbeat.toMillis(), TimeUnit.MILLISECONDS);
        }
        sink.send(sse.newEventBuilder().comment("switchboard admin events").reconnectDelay(3000).build());
        broadcaster.register(sink);
    }

    /** Sends a plugin event to every open stream. */
    public void publish(PluginEvent event) {
        SseBroadcaster target;
        Sse factory;
        synchronized (this) {
            target = broadcaster;
            factory = sse;
        }
        if (target == null) {
            return;
        }
        OutboundSseEvent outbound = factory.newEventBuilder()
                .id(Long.toString(ids.incrementAndGet()))
                .name(event.type())
                .mediaType(MediaType.TEXT_PLAIN_TYPE)
                .data(String.class, JSON.writeValueAsString(event))
                .build();
        target.broadcast(outbound);
    }

    private void heartbeat() {
        SseBroadcaster target;
        Sse factory;
        synchronized (this) {
            target = broadcaster;
            factory = sse;
        }
        if (target != null) {
            target.broadcast(factory.newEventBuilder().comment("heartbeat").build());
        }
    }

    /** Ends every stream (on shutdown), with a last comment so clients know to reconnect elsewhere. */
    @Override
    public synchronized void close() {
        timer.shutdownNow();
        if (broadcaster != null) {
            broadcaster.broadcast(sse.newEventBuilder().comment("server shutting down").build());
            broadcaster.close();
        }
    }
}
