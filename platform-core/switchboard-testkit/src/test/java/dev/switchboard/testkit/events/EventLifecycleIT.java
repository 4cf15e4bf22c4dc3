package dev.switchboard.testkit.events;

import dev.switchboard.testkit.PluginState;
import dev.switchboard.testkit.PluginJarBuilder;
import dev.switchboard.testkit.SseClient;
import dev.switchboard.testkit.SwitchboardExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.switchboard.testkit.events.EventsIT.WAIT;
import static dev.switchboard.testkit.events.EventsIT.json;
import static org.assertj.core.api.Assertions.assertThat;

/** Streams across a plugin swap, a shutdown and a restart. A host per test. */
class EventLifecycleIT {

    @RegisterExtension
    SwitchboardExtension switchboard = SwitchboardExtension.builder()
            .principal("pub-token", "svc", "publisher")
            .principal("ivy-token", "ivy", "instructor")
            .build();

    @TempDir
    Path jars;

    /** A plugin that publishes an event from {@code POST /api/pub/{n}}, tagged with its version. */
    static Path publisher(Path dir, String version) {
        return PluginJarBuilder.plugin("pub", version)
                .requires(">=0.1.0")
                .fileName("pub-" + version + ".jar")
                .source("""
                        package fixtures.pub;

                        import dev.switchboard.api.*;
                        import org.pf4j.Extension;

                        @Extension
                        public class PubPlugin implements SwitchboardPlugin {
                            @Override
                            public void start(Platform platform) {
                                platform.jaxrs(new PubResource(platform.events()));
                            }
                        }
                        """)
                .source("""
                        package fixtures.pub;

                        import dev.switchboard.api.*;
                        import jakarta.ws.rs.*;
                        import tools.jackson.databind.node.JsonNodeFactory;

                        @Path("/api/pub")
                        public class PubResource {
                            private final Events events;

                            public PubResource(Events events) {
                                this.events = events;
                            }

                            @POST
                            @Path("/{n}")
                            @Produces("text/plain")
                            public String publish(@PathParam("n") int n) {
                                return events.publish("learning.events", NewEvent.of("pub.event",
                                        JsonNodeFactory.instance.objectNode().put("n", n).put("version", "%s"))).id();
                            }
                        }
                        """.formatted(version))
                .build(dir);
    }

    @Test
    void aStreamStaysOpenAcrossPluginSwapsWithNoEventLost() throws Exception {
        Path v1 = publisher(jars.resolve("v1"), "1.0.0");
        Path v2 = publisher(jars.resolve("v2"), "2.0.0");
        switchboard.deploy(v1, "pub.jar");
        switchboard.awaitState("pub", PluginState.STARTED, "1.0.0");
        try (SseClient stream = switchboard.stream("ivy-token", "/api/events/stream?topics=learning.events")) {
            stream.expect(WAIT);
            List<String> ids = Collections.synchronizedList(new ArrayList<>());
            AtomicBoolean running = new AtomicBoolean(true);
            AtomicInteger failures = new AtomicInteger();
            Thread load = Thread.ofVirtual().start(() -> {
                int n = 0;
                while (running.get()) {
                    try {
                        HttpResponse<String> response = switchboard.send(HttpRequest.newBuilder(switchboard.uri("/api/pub/" + n++))
                                .POST(HttpRequest.BodyPublishers.noBody()).build());
                        if (response.statusCode() == 200) {
                            ids.add(response.body());
                        } else {
                            failures.incrementAndGet();
                        }
                    } catch (Exception e) {
                        failures.incrementAndGet();
                    }
                }
            });
            for (int swap = 0; swap < 10; swap++) {
                String version = swap % 2 == 0 ? "2.0.0" : "1.0.0";
                switchboard.deploy(swap % 2 == 0 ? v2 : v1, "pub.jar");
                switchboard.awaitState("pub", PluginState.STARTED, version);
            }
            running.set(false);
            load.join();
            assertThat(failures.get()).isZero();
            assertThat(ids).hasSizeGreaterThan(10);
            List<SseClient.Event> received = stream.collect("pub.event", ids.size(), Duration.ofSeconds(30));
            assertThat(received).extracting(SseClient.Event::id).containsExactlyElementsOf(ids);
            assertThat(received).extracting(e -> json(e.data()).get("data").get("version").stringValue()).contains("1.0.0", "2.0.0");
            assertThat(stream.ended()).isFalse();
        }
    }

    @Test
    void shutdownEndsStreamsWithAFinalCommentAndARestartStartsANewEpoch() throws Exception {
        SseClient stream = switchboard.stream("ivy-token", "/api/events/stream?topics=learning.events");
        stream.expect(WAIT);
        HttpResponse<String> published = switchboard.publish("pub-token", "learning.events", "{\"type\":\"before.restart\",\"data\":1}");
        String lastId = json(published.body()).get("id").stringValue();
        assertThat(stream.expect(WAIT).id()).isEqualTo(lastId);

        switchboard.stop();
        assertThat(stream.awaitEnd(WAIT)).isTrue();
        assertThat(stream.comments()).contains("server shutting down; reconnect");
        stream.close();

        switchboard.start();
        try (SseClient resumed = SseClient.open(switchboard.client(), switchboard.uri("/api/events/stream?topics=learning.events"),
                Map.of("Authorization", "Bearer ivy-token", "Last-Event-ID", lastId))) {
            JsonNode connected = json(resumed.expect(WAIT).data());
            assertThat(connected.get("epoch").stringValue()).isNotEqualTo(lastId.substring(0, lastId.indexOf('-')));
            SseClient.Event reset = resumed.expect(WAIT);
            assertThat(reset.name()).isEqualTo("reset");
            assertThat(json(reset.data()).get("reason").stringValue()).isEqualTo("epoch");
            String live = json(switchboard.publish("pub-token", "learning.events", "{\"type\":\"after.restart\",\"data\":2}").body()).get("id").stringValue();
            assertThat(resumed.expect(WAIT).id()).isEqualTo(live);
        }
    }
}
