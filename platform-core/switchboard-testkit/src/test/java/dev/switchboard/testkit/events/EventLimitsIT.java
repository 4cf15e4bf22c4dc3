package dev.switchboard.testkit.events;

import dev.switchboard.testkit.SseClient;
import dev.switchboard.testkit.SwitchboardExtension;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.switchboard.testkit.events.EventsIT.WAIT;
import static dev.switchboard.testkit.events.EventsIT.json;
import static org.assertj.core.api.Assertions.assertThat;

/** The hub's bounds: a short history (reset on a gap), small stream queues (slow readers), the global cap, presence rate. */
class EventLimitsIT {

    @RegisterExtension
    static SwitchboardExtension switchboard = SwitchboardExtension.builder()
            .principal("pub-token", "svc", "publisher")
            .principal("fast-token", "fast", "instructor")
            .principal("slow-token", "slow", "instructor")
            .principal("ivy-token", "ivy", "instructor")
            .principal("a-token", "a", "student")
            .principal("b-token", "b", "student")
            .principal("c-token", "c", "student")
            .principal("d-token", "d", "student")
            .principal("e-token", "e", "student")
            .set("events.replay.max_events", "5")
            .set("events.streams.queue_events", "50")
            .set("events.streams.queue_bytes", "256KB")
            .set("events.streams.max_total", "6")
            .set("events.streams.heartbeat", "200ms")
            .set("events.presence.max_events_per_second", "1")
            .build();

    @AfterEach
    void awaitStreamsClosed() throws Exception {
        EventsIT.awaitNoStreams(switchboard);
    }

    static String publish(String topic, String body) throws Exception {
        HttpResponse<String> response = switchboard.publish("pub-token", topic, body);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return json(response.body()).get("id").stringValue();
    }

    @Test
    void aClientBehindTheHistoryGetsAResetThenLiveEventsNeverASilentGap() throws Exception {
        String position;
        try (SseClient stream = switchboard.stream("ivy-token", "/api/events/stream?topics=learning.events")) {
            position = stream.expect(WAIT).id();
        }
        for (int i = 0; i < 10; i++) {
            publish("learning.events", "{\"type\":\"gap.check\",\"data\":" + i + "}");
        }
        String resetId;
        try (SseClient resumed = SseClient.open(switchboard.client(), switchboard.uri("/api/events/stream?topics=learning.events"),
                Map.of("Authorization", "Bearer ivy-token", "Last-Event-ID", position))) {
            assertThat(resumed.expect(WAIT).name()).isEqualTo("connected");
            SseClient.Event reset = resumed.expect(WAIT);
            assertThat(reset.name()).isEqualTo("reset");
            JsonNode body = json(reset.data());
            assertThat(body.get("reason").stringValue()).isEqualTo("expired");
            assertThat(body.get("lastEventId").stringValue()).isEqualTo(position);
            resetId = reset.id();
            String live = publish("learning.events", "{\"type\":\"gap.check\",\"data\":\"live\"}");
            assertThat(resumed.expect(WAIT).id()).isEqualTo(live);
        }
        // The reset's id is a position the client can resume from.
        try (SseClient again = SseClient.open(switchboard.client(), switchboard.uri("/api/events/stream?topics=learning.events"),
                Map.of("Authorization", "Bearer ivy-token", "Last-Event-ID", resetId))) {
            assertThat(json(again.expect(WAIT).data()).get("resumed").booleanValue()).isTrue();
            assertThat(json(again.expect(WAIT).data()).get("data").stringValue()).isEqualTo("live");
        }
    }

    @Test
    void aReaderThatStopsReadingIsDisconnectedWhileAFastOneGetsEverything() throws Exception {
        MeterRegistry meters = switchboard.meters();
        double droppedBefore = meters.counter("switchboard.events.dropped", "reason", "slow_reader").count();
        try (SseClient fast = switchboard.stream("fast-token", "/api/events/stream?topics=system.notifications");
             Socket slow = new Socket()) {
            fast.expect(WAIT);
            slow.setReceiveBufferSize(4096);
            slow.connect(new InetSocketAddress("127.0.0.1", switchboard.baseUri().getPort()));
            OutputStream out = slow.getOutputStream();
            out.write(("GET /api/events/stream?topics=system.notifications HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Authorization: Bearer slow-token\r\nAccept: text/event-stream\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = slow.getInputStream();
            byte[] head = new byte[512];
            assertThat(in.read(head)).isPositive();
            assertThat(new String(head, StandardCharsets.US_ASCII)).startsWith("HTTP/1.1 200");
            // The slow reader reads nothing more. Publish until the hub gives up on it.
            String payload = "x".repeat(8000);
            List<String> published = new ArrayList<>();
            for (int i = 0; i < 3000 && slowStreamOpen(); i++) {
                published.add(publish("system.notifications", "{\"type\":\"load\",\"data\":{\"n\":" + i + ",\"pad\":\"" + payload + "\"}}"));
            }
            assertThat(slowStreamOpen()).as("the slow reader was disconnected").isFalse();
            for (int i = 0; i < 20; i++) {
                published.add(publish("system.notifications", "{\"type\":\"load\",\"data\":{\"n\":\"after\"}}"));
            }
            assertThat(fast.collect("load", published.size(), Duration.ofSeconds(60))).extracting(SseClient.Event::id)
                    .containsExactlyElementsOf(published);
            assertThat(meters.counter("switchboard.events.dropped", "reason", "slow_reader").count()).isGreaterThan(droppedBefore);
            assertThat(meters.counter("switchboard.events.disconnects", "reason", "slow_reader").count()).isGreaterThanOrEqualTo(1);
            // The slow client finds its connection closed once it reads what was buffered.
            slow.setSoTimeout(20_000);
            byte[] buffer = new byte[65536];
            int read;
            do {
                try {
                    read = in.read(buffer);
                } catch (java.net.SocketException e) {
                    read = -1;
                }
            } while (read >= 0);
        }
    }

    private static boolean slowStreamOpen() throws Exception {
        JsonNode streams = json(switchboard.get("/admin/streams").body());
        for (JsonNode stream : streams) {
            if (stream.get("principal").stringValue().equals("slow")) {
                return true;
            }
        }
        return false;
    }

    @Test
    void theInstanceCapsOpenStreamsAndPresenceEventsAreRateLimited() throws Exception {
        MeterRegistry meters = switchboard.meters();
        List<SseClient> open = new ArrayList<>();
        try {
            for (String token : List.of("a-token", "b-token", "c-token", "d-token", "e-token", "fast-token")) {
                SseClient stream = switchboard.stream(token, "/api/events/stream?topics=student.progress");
                stream.expect(WAIT);
                open.add(stream);
            }
            HttpResponse<String> refused = switchboard.send(switchboard.as("ivy-token", "/api/events/stream").GET().build());
            assertThat(refused.statusCode()).isEqualTo(503);
            assertThat(json(refused.body()).get("detail").stringValue()).contains("max_total");
            JsonNode presence = json(switchboard.send(switchboard.as("ivy-token", "/api/events/presence?topic=student.progress").GET().build()).body());
            assertThat(presence.get("count").intValue()).isEqualTo(6);
            assertThat(meters.counter("switchboard.events.presence.skipped").count()).isPositive();
        } finally {
            open.forEach(SseClient::close);
        }
    }
}
