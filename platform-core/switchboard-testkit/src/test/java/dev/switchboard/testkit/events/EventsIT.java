package dev.switchboard.testkit.events;

import dev.switchboard.testkit.SseClient;
import dev.switchboard.testkit.SwitchboardExtension;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The event API against a real host: publish, stream, replay, isolation, filters, limits, presence, bad input. */
class EventsIT {

    static final Duration WAIT = Duration.ofSeconds(10);
    static final JsonMapper JSON = JsonMapper.builder().build();

    @RegisterExtension
    static SwitchboardExtension switchboard = SwitchboardExtension.builder()
            .principal("pub-token", "svc", "publisher")
            .principal("alice-token", "alice", "student")
            .principal("bob-token", "bob", "student")
            .principal("ivy-token", "ivy", "instructor")
            .principal("carl-token", "carl", "student")
            .principal("dan-token", "dan", "student")
            .principal("pat-token", "pat", "student")
            .set("events.streams.heartbeat", "300ms")
            .set("events.streams.max_per_principal", "3")
            .set("events.presence.grace", "300ms")
            .set("events.presence.max_events_per_second", "1000")
            .build();

    /**
     * Streams a test closed stay open on the server until their next heartbeat finds the client
     * gone; wait for that, so the next test starts with every principal's stream count at zero.
     */
    @AfterEach
    void awaitStreamsClosed() throws Exception {
        awaitNoStreams(switchboard);
    }

    static void awaitNoStreams(SwitchboardExtension switchboard) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        JsonNode open = json(switchboard.get("/admin/streams").body());
        while (!open.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(20);
            open = json(switchboard.get("/admin/streams").body());
        }
        assertThat(open.size()).as("streams still open: %s", open).isZero();
    }

    static JsonNode json(String text) {
        return JSON.readTree(text);
    }

    static String publish(String topic, String body) throws Exception {
        HttpResponse<String> response = switchboard.publish("pub-token", topic, body);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return json(response.body()).get("id").stringValue();
    }

    static long seq(String id) {
        return Long.parseLong(id.substring(id.indexOf('-') + 1));
    }

    @Test
    void aStreamOpensWithItsHeadersRetryHintAndPosition() throws Exception {
        try (SseClient stream = switchboard.stream("alice-token", "/api/events/stream?topics=student.progress")) {
            assertThat(stream.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/event-stream"));
            assertThat(stream.headers().firstValue("Cache-Control")).contains("no-cache");
            assertThat(stream.headers().firstValue("X-Accel-Buffering")).contains("no");
            SseClient.Event connected = stream.expect(WAIT);
            assertThat(connected.name()).isEqualTo("connected");
            assertThat(stream.retry()).isEqualTo(3000);
            JsonNode hello = json(connected.data());
            assertThat(connected.id()).isEqualTo(hello.get("position").stringValue());
            assertThat(hello.get("topics").toString()).isEqualTo("[\"student.progress\"]");
            assertThat(hello.get("allSubjects").booleanValue()).isFalse();
        }
    }

    @Test
    void streamsWorkOverHttp2() throws Exception {
        HttpClient h2 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build();
        // The first request upgrades the connection (h2c); the streams after it are HTTP/2 streams on it.
        assertThat(h2.send(HttpRequest.newBuilder(switchboard.uri("/health/live")).build(), HttpResponse.BodyHandlers.ofString()).version())
                .isEqualTo(HttpClient.Version.HTTP_2);
        try (SseClient one = SseClient.open(h2, switchboard.uri("/api/events/stream?topics=learning.events"), Map.of("Authorization", "Bearer ivy-token"));
             SseClient two = SseClient.open(h2, switchboard.uri("/api/events/stream?topics=learning.events"), Map.of("Authorization", "Bearer ivy-token"))) {
            assertThat(one.version()).isEqualTo(HttpClient.Version.HTTP_2);
            one.expect(WAIT);
            two.expect(WAIT);
            String id = publish("learning.events", "{\"type\":\"over.h2\",\"data\":1}");
            assertThat(one.expect(WAIT).id()).isEqualTo(id);
            assertThat(two.expect(WAIT).id()).isEqualTo(id);
        }
    }

    @Test
    void eventsArriveInPublishOrderAcrossTopicsWithTheirFields() throws Exception {
        try (SseClient stream = switchboard.stream("ivy-token", "/api/events/stream?topics=learning.events,system.notifications")) {
            stream.expect(e -> e.name().equals("connected"), WAIT);
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                String topic = i % 2 == 0 ? "learning.events" : "system.notifications";
                ids.add(publish(topic, "{\"type\":\"order.check\",\"data\":{\"n\":" + i + "},\"priority\":\"high\",\"metadata\":{\"trace\":\"t" + i + "\"}}"));
            }
            List<SseClient.Event> received = stream.collect("order.check", 100, WAIT);
            for (int i = 0; i < 100; i++) {
                SseClient.Event event = received.get(i);
                JsonNode body = json(event.data());
                assertThat(event.id()).isEqualTo(ids.get(i)).isEqualTo(body.get("id").stringValue());
                assertThat(body.get("data").get("n").intValue()).isEqualTo(i);
                assertThat(body.get("topic").stringValue()).isEqualTo(i % 2 == 0 ? "learning.events" : "system.notifications");
                assertThat(body.get("priority").stringValue()).isEqualTo("high");
                assertThat(body.get("subject").stringValue()).isEmpty();
                assertThat(body.get("metadata").get("trace").stringValue()).isEqualTo("t" + i);
                assertThat(body.get("time").stringValue()).isNotBlank();
            }
            for (int i = 1; i < ids.size(); i++) {
                assertThat(seq(ids.get(i))).isGreaterThan(seq(ids.get(i - 1)));
            }
        }
    }

    @Test
    void aReconnectingClientGetsExactlyWhatItMissedByHeaderOrQueryParameter() throws Exception {
        String lastSeen;
        List<String> published = new ArrayList<>();
        try (SseClient stream = switchboard.stream("alice-token", "/api/events/stream?topics=learning.events")) {
            stream.expect(e -> e.name().equals("connected"), WAIT);
            for (int i = 0; i < 10; i++) {
                published.add(publish("learning.events", "{\"type\":\"replay.check\",\"data\":" + i + "}"));
            }
            List<SseClient.Event> first = stream.collect("replay.check", 5, WAIT);
            lastSeen = first.get(4).id();
        }
        for (int i = 10; i < 20; i++) {
            published.add(publish("learning.events", "{\"type\":\"replay.check\",\"data\":" + i + "}"));
        }
        List<String> missed = published.subList(5, 20);
        try (SseClient resumed = SseClient.open(switchboard.client(), switchboard.uri("/api/events/stream?topics=learning.events"),
                Map.of("Authorization", "Bearer alice-token", "Last-Event-ID", lastSeen))) {
            SseClient.Event connected = resumed.expect(WAIT);
            assertThat(connected.name()).isEqualTo("connected");
            assertThat(json(connected.data()).get("resumed").booleanValue()).isTrue();
            assertThat(resumed.collect("replay.check", 15, WAIT)).extracting(SseClient.Event::id).containsExactlyElementsOf(missed);
            assertThat(resumed.next(Duration.ofMillis(300))).as("nothing twice").isNull();
        }
        try (SseClient resumed = switchboard.stream("alice-token", "/api/events/stream?topics=learning.events&lastEventId=" + published.get(17))) {
            assertThat(resumed.collect("replay.check", 2, WAIT)).extracting(SseClient.Event::id).containsExactly(published.get(18), published.get(19));
        }
    }

    @Test
    void studentsSeeBroadcastsAndTheirOwnEventsOnlyWhileInstructorsSeeAll() throws Exception {
        try (SseClient alice = switchboard.stream("alice-token", "/api/events/stream?topics=student.progress");
             SseClient bob = switchboard.stream("bob-token", "/api/events/stream?topics=student.progress&types=mastery.updated");
             SseClient ivy = switchboard.stream("ivy-token", "/api/events/stream?topics=student.progress")) {
            for (SseClient stream : List.of(alice, bob, ivy)) {
                stream.expect(e -> e.name().equals("connected"), WAIT);
            }
            String forAlice = publish("student.progress", "{\"type\":\"mastery.updated\",\"subject\":\"alice\",\"data\":{\"skill\":\"fractions\"}}");
            String forBob = publish("student.progress", "{\"type\":\"mastery.updated\",\"subject\":\"bob\",\"data\":{\"skill\":\"decimals\"}}");
            String forAll = publish("student.progress", "{\"type\":\"mastery.updated\",\"data\":{\"skill\":\"all\"}}");
            assertThat(alice.collect("mastery.updated", 2, WAIT)).extracting(SseClient.Event::id).containsExactly(forAlice, forAll);
            assertThat(bob.collect("mastery.updated", 2, WAIT)).extracting(SseClient.Event::id).containsExactly(forBob, forAll);
            assertThat(ivy.collect("mastery.updated", 3, WAIT)).extracting(SseClient.Event::id).containsExactly(forAlice, forBob, forAll);
            assertThat(alice.next(Duration.ofMillis(300))).isNull();
            assertThat(bob.next(Duration.ofMillis(300))).isNull();
        }
        // Replay obeys the same rule: bob resuming from before alice's event does not get it.
        try (SseClient bob = SseClient.open(switchboard.client(), switchboard.uri("/api/events/stream?topics=student.progress&subject=alice"),
                Map.of("Authorization", "Bearer bob-token"))) {
            String position = bob.expect(WAIT).id();
            publish("student.progress", "{\"type\":\"mastery.updated\",\"subject\":\"alice\",\"data\":1}");
            String own = publish("student.progress", "{\"type\":\"mastery.updated\",\"subject\":\"bob\",\"data\":2}");
            bob.expect(e -> e.id().equals(own), WAIT);
            try (SseClient again = SseClient.open(switchboard.client(), switchboard.uri("/api/events/stream?topics=student.progress"),
                    Map.of("Authorization", "Bearer bob-token", "Last-Event-ID", position))) {
                assertThat(again.collect("mastery.updated", 1, WAIT)).extracting(SseClient.Event::id).containsExactly(own);
                assertThat(again.next(Duration.ofMillis(300))).isNull();
            }
        }
    }

    @Test
    void typeAndPriorityFiltersNarrowTheStream() throws Exception {
        try (SseClient stream = switchboard.stream("ivy-token", "/api/events/stream?topics=system.notifications&types=alert,notice&minPriority=high")) {
            stream.expect(e -> e.name().equals("connected"), WAIT);
            publish("system.notifications", "{\"type\":\"alert\",\"data\":1,\"priority\":\"normal\"}");
            publish("system.notifications", "{\"type\":\"other\",\"data\":2,\"priority\":\"critical\"}");
            String wanted = publish("system.notifications", "{\"type\":\"notice\",\"data\":3,\"priority\":\"critical\"}");
            String alsoWanted = publish("system.notifications", "{\"type\":\"alert\",\"data\":4,\"priority\":\"high\"}");
            assertThat(List.of(stream.expect(WAIT).id(), stream.expect(WAIT).id())).containsExactly(wanted, alsoWanted);
        }
    }

    @Test
    void aPrincipalMayHoldOnlySoManyStreams() throws Exception {
        List<SseClient> open = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                open.add(switchboard.stream("carl-token", "/api/events/stream"));
            }
            HttpResponse<String> refused = switchboard.send(switchboard.as("carl-token", "/api/events/stream").GET().build());
            assertThat(refused.statusCode()).isEqualTo(429);
            assertThat(refused.headers().firstValue("Content-Type")).contains("application/problem+json");
            assertThat(json(refused.body()).get("detail").stringValue()).contains("max_per_principal");
            // Others are not affected.
            try (SseClient other = switchboard.stream("dan-token", "/api/events/stream")) {
                assertThat(other.expect(WAIT).name()).isEqualTo("connected");
            }
            // Once one goes away (the server notices at the next heartbeat), a new one may open.
            open.removeFirst().close();
            long deadline = System.nanoTime() + WAIT.toNanos();
            int status = 0;
            while (System.nanoTime() < deadline && status != 200) {
                Thread.sleep(100);
                try (SseClient again = switchboard.stream("carl-token", "/api/events/stream")) {
                    status = 200;
                } catch (IllegalStateException e) {
                    status = 429;
                }
            }
            assertThat(status).isEqualTo(200);
        } finally {
            open.forEach(SseClient::close);
        }
    }

    @Test
    void idleStreamsGetHeartbeatComments() throws Exception {
        try (SseClient stream = switchboard.stream("dan-token", "/api/events/stream?topics=system.notifications")) {
            stream.expect(WAIT);
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (System.nanoTime() < deadline && stream.comments().stream().filter("heartbeat"::equals).count() < 2) {
                Thread.sleep(20);
            }
            assertThat(stream.comments()).filteredOn("heartbeat"::equals).hasSizeGreaterThanOrEqualTo(2);
            assertThat(stream.ended()).isFalse();
        }
    }

    @Test
    void theTokenMayComeInTheQueryOrACookieAndMustBeValid() throws Exception {
        try (SseClient byQuery = SseClient.open(switchboard.client(), switchboard.uri("/api/events/stream?access_token=alice-token"), Map.of());
             SseClient byCookie = SseClient.open(switchboard.client(), switchboard.uri("/api/events/stream"), Map.of("Cookie", "switchboard_token=bob-token"))) {
            assertThat(byQuery.expect(WAIT).name()).isEqualTo("connected");
            assertThat(byCookie.expect(WAIT).name()).isEqualTo("connected");
            String forBob = publish("student.progress", "{\"type\":\"mastery.updated\",\"subject\":\"bob\",\"data\":1}");
            assertThat(byCookie.expect(WAIT).id()).isEqualTo(forBob);
            assertThat(byQuery.next(Duration.ofMillis(200))).isNull();
        }
        HttpResponse<String> anonymous = switchboard.get("/api/events/stream");
        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(anonymous.headers().firstValue("WWW-Authenticate")).contains("Bearer");
        HttpResponse<String> unknown = switchboard.send(switchboard.as("nobody", "/api/events/stream").GET().build());
        assertThat(unknown.statusCode()).isEqualTo(401);
        assertThat(unknown.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).contains("invalid_token"));
        HttpResponse<String> twoTokens = switchboard.send(switchboard.as("alice-token", "/api/events/stream?access_token=bob-token").GET().build());
        assertThat(twoTokens.statusCode()).isEqualTo(401);
        assertThat(json(twoTokens.body()).get("detail").stringValue()).contains("more than one token");
    }

    @Test
    void badInputGetsAClearClientErrorAndHarmsNoStreamOrHistory() throws Exception {
        try (SseClient witness = switchboard.stream("ivy-token", "/api/events/stream?topics=learning.events")) {
            String position = witness.expect(WAIT).id();
            String before = publish("learning.events", "{\"type\":\"witness\",\"data\":\"before\"}");
            String epoch = before.substring(0, before.indexOf('-'));
            record Case(String what, HttpRequest request, int status, String detail) {
            }
            List<Case> cases = List.of(
                    new Case("unknown topic (publish)", post("pub-token", "nope", "{\"type\":\"x\",\"data\":1}"), 404, "no topic 'nope'"),
                    new Case("unknown topic (stream)", get("ivy-token", "/api/events/stream?topics=nope"), 404, "no topic 'nope'"),
                    new Case("malformed Last-Event-ID", get("ivy-token", "/api/events/stream", "Last-Event-ID", "42"), 400, "not an event id"),
                    new Case("Last-Event-ID from the future", get("ivy-token", "/api/events/stream", "Last-Event-ID", epoch + "-999999999"), 400, "after the latest event"),
                    new Case("bad minPriority", get("ivy-token", "/api/events/stream?minPriority=urgent"), 400, "minPriority"),
                    new Case("bad types", get("ivy-token", "/api/events/stream?types=a,,b"), 400, "types"),
                    new Case("bad topic name", get("ivy-token", "/api/events/stream?topics=NOPE!"), 400, "not a topic name"),
                    new Case("oversized event", post("pub-token", "learning.events", "{\"type\":\"x\",\"data\":\"" + "x".repeat(70_000) + "\"}"), 413, "max_event_size"),
                    new Case("not JSON", post("pub-token", "learning.events", "{type: x"), 400, "not valid JSON"),
                    new Case("not JSON content type", HttpRequest.newBuilder(switchboard.uri("/api/events/learning.events"))
                            .header("Authorization", "Bearer pub-token").header("Content-Type", "text/plain")
                            .POST(HttpRequest.BodyPublishers.ofString("hello")).build(), 415, "JSON"),
                    new Case("no type", post("pub-token", "learning.events", "{\"data\":1}"), 400, "type: required"),
                    new Case("reserved type", post("pub-token", "learning.events", "{\"type\":\"reset\",\"data\":1}"), 400, "reserved"),
                    new Case("unknown field", post("pub-token", "learning.events", "{\"type\":\"x\",\"data\":1,\"topic\":\"y\"}"), 400, "Unknown field 'topic'"),
                    new Case("bad priority", post("pub-token", "learning.events", "{\"type\":\"x\",\"data\":1,\"priority\":\"max\"}"), 400, "priority"),
                    new Case("bad metadata", post("pub-token", "learning.events", "{\"type\":\"x\",\"data\":1,\"metadata\":{\"a\":1}}"), 400, "metadata.a"),
                    new Case("no publisher role", post("alice-token", "learning.events", "{\"type\":\"x\",\"data\":1}"), 403, "publisher"),
                    new Case("host's own topic", post("pub-token", "presence", "{\"type\":\"x\",\"data\":1}"), 403, "presence"),
                    new Case("presence without the role", get("alice-token", "/api/events/stream?topics=presence"), 403, "presence"),
                    new Case("anonymous publish", HttpRequest.newBuilder(switchboard.uri("/api/events/learning.events"))
                            .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"type\":\"x\",\"data\":1}")).build(), 401, "authenticated"));
            for (Case c : cases) {
                HttpResponse<String> response = switchboard.send(c.request());
                assertThat(response.statusCode()).as(c.what() + ": " + response.body()).isEqualTo(c.status());
                assertThat(response.headers().firstValue("Content-Type")).as(c.what()).contains("application/problem+json");
                assertThat(json(response.body()).get("detail").stringValue()).as(c.what()).contains(c.detail());
            }
            String after = publish("learning.events", "{\"type\":\"witness\",\"data\":\"after\"}");
            assertThat(witness.collect("witness", 2, WAIT)).extracting(SseClient.Event::id).containsExactly(before, after);
            // History holds exactly the two events: nothing from the refused requests.
            try (SseClient replay = SseClient.open(switchboard.client(), switchboard.uri("/api/events/stream?topics=learning.events"),
                    Map.of("Authorization", "Bearer ivy-token", "Last-Event-ID", position))) {
                assertThat(replay.expect(WAIT).name()).isEqualTo("connected");
                assertThat(List.of(replay.expect(WAIT).id(), replay.expect(WAIT).id())).containsExactly(before, after);
                assertThat(replay.next(Duration.ofMillis(200))).isNull();
            }
        }
    }

    private static HttpRequest post(String token, String topic, String body) {
        return switchboard.as(token, "/api/events/" + topic).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    private static HttpRequest get(String token, String path, String... headers) {
        HttpRequest.Builder builder = switchboard.as(token, path).GET();
        for (int i = 0; i < headers.length; i += 2) {
            builder.header(headers[i], headers[i + 1]);
        }
        return builder.build();
    }

    @Test
    void presenceShowsWhoIsConnectedToThoseAllowedAndCountsToOthers() throws Exception {
        try (SseClient watcher = switchboard.stream("ivy-token", "/api/events/stream?topics=presence")) {
            watcher.expect(WAIT);
            try (SseClient pat = switchboard.stream("pat-token", "/api/events/stream?topics=system.notifications")) {
                pat.expect(WAIT);
                SseClient.Event joined = watcher.expect(e -> e.name().equals("presence.joined")
                        && json(e.data()).get("data").get("principal").stringValue().equals("pat"), WAIT);
                assertThat(json(joined.data()).get("data").get("topic").stringValue()).isEqualTo("system.notifications");

                JsonNode full = json(switchboard.send(switchboard.as("ivy-token", "/api/events/presence?topic=system.notifications").GET().build()).body());
                assertThat(full.get("count").intValue()).isGreaterThanOrEqualTo(1);
                JsonNode patEntry = null;
                for (JsonNode entry : full.get("principals")) {
                    if (entry.get("id").stringValue().equals("pat")) {
                        patEntry = entry;
                    }
                }
                assertThat(patEntry).isNotNull();
                assertThat(patEntry.get("connections").intValue()).isEqualTo(1);
                assertThat(patEntry.get("lastSeen").stringValue()).isNotBlank();

                JsonNode countsOnly = json(switchboard.send(switchboard.as("alice-token", "/api/events/presence?topic=system.notifications").GET().build()).body());
                assertThat(countsOnly.get("count").intValue()).isEqualTo(full.get("count").intValue());
                assertThat(countsOnly.has("principals")).isFalse();
            }
            watcher.expect(e -> e.name().equals("presence.left") && json(e.data()).get("data").get("principal").stringValue().equals("pat"), WAIT);
        }
        assertThat(switchboard.send(switchboard.as("ivy-token", "/api/events/presence").GET().build()).statusCode()).isEqualTo(400);
        assertThat(switchboard.send(switchboard.as("ivy-token", "/api/events/presence?topic=nope").GET().build()).statusCode()).isEqualTo(404);
    }

    @Test
    void theHubCountsWhatItDoes() throws Exception {
        MeterRegistry meters = switchboard.meters();
        double before = meters.counter("switchboard.events.delivered", "topic", "system.notifications").count();
        try (SseClient stream = switchboard.stream("ivy-token", "/api/events/stream?topics=system.notifications")) {
            stream.expect(WAIT);
            assertThat(meters.get("switchboard.events.streams.open").gauge().value()).isGreaterThanOrEqualTo(1);
            publish("system.notifications", "{\"type\":\"metric.check\",\"data\":1}");
            stream.collect("metric.check", 1, WAIT);
        }
        assertThat(meters.counter("switchboard.events.published", "topic", "system.notifications").count()).isGreaterThanOrEqualTo(1);
        // The writer counts a delivery once its write returned, which can be just after the client read it.
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (meters.counter("switchboard.events.delivered", "topic", "system.notifications").count() <= before && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(meters.counter("switchboard.events.delivered", "topic", "system.notifications").count()).isGreaterThan(before);
        assertThat(meters.get("switchboard.events.latency").timer().count()).isGreaterThan(0);
        assertThatThrownBy(() -> switchboard.stream("alice-token", "/api/events/stream?topics=nope"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("404");
    }
}
