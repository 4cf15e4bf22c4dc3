package dev.switchboard.testkit;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;

import static dev.switchboard.testkit.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a gateway filter sees of the answer: headers added at the last moment before commit
 * (whoever answered: a plugin route, the host's 404, an event stream), and the status after
 * {@code proceed()} returns.
 */
class GatewayResponseIT {

    @RegisterExtension
    // A closed stream ends on the server at its next heartbeat.
    SwitchboardExtension switchboard = SwitchboardExtension.builder().set("events.streams.heartbeat", "300ms").build();

    @TempDir
    Path jars;

    /**
     * A filter that adds {@code X-Seen-Status} (the status at commit) and a {@code Server-Timing}
     * entry before commit, and keeps, per path, the status, stream flag and route template it read
     * after {@code proceed()}, and the status at completion; its routes {@code /api/timing/seen}
     * and {@code /api/timing/completed} show them.
     */
    private Path timing() {
        return PluginJarBuilder.plugin("timing", "1.0.0")
                .source("""
                        package fixtures.timing;

                        import dev.switchboard.api.*;
                        import jakarta.ws.rs.*;
                        import jakarta.ws.rs.core.MediaType;
                        import java.util.*;
                        import java.util.concurrent.ConcurrentHashMap;

                        @org.pf4j.Extension
                        public class Entry implements SwitchboardPlugin {
                            @Override
                            public void start(Platform platform) {
                                Map<String, String> seen = new ConcurrentHashMap<>();
                                Map<String, String> completed = new ConcurrentHashMap<>();
                                platform.filter(new GatewayFilter() {
                                    public int priority() { return 100; }
                                    public void filter(GatewayExchange exchange, GatewayChain chain) throws Exception {
                                        long started = System.nanoTime();
                                        exchange.beforeCommit(() -> {
                                            exchange.setResponseHeader("X-Seen-Status", String.valueOf(exchange.response().status()));
                                            exchange.addResponseHeader("Server-Timing",
                                                    "app;dur=" + (System.nanoTime() - started) / 1_000_000.0);
                                        });
                                        exchange.beforeCommit(() -> { throw new IllegalStateException("a broken hook"); });
                                        exchange.afterCompletion(() -> completed.put(exchange.path(), exchange.response().status()
                                                + " " + exchange.response().route().orElse("none")));
                                        exchange.afterCompletion(() -> { throw new IllegalStateException("a broken completion"); });
                                        chain.proceed();
                                        seen.put(exchange.path(), exchange.response().status() + (exchange.response().eventStream() ? " stream" : "")
                                                + " " + exchange.response().route().orElse("none"));
                                    }
                                });
                                platform.jaxrs(new Seen(seen, completed));
                            }

                            @Path("/api/timing")
                            public static class Seen {
                                private final Map<String, String> seen;
                                private final Map<String, String> completed;

                                Seen(Map<String, String> seen, Map<String, String> completed) {
                                    this.seen = seen;
                                    this.completed = completed;
                                }

                                @GET
                                @Path("/seen")
                                @Produces(MediaType.APPLICATION_JSON)
                                public Map<String, String> seen() {
                                    return new TreeMap<>(seen);
                                }

                                @GET
                                @Path("/completed")
                                @Produces(MediaType.APPLICATION_JSON)
                                public Map<String, String> completed() {
                                    return new TreeMap<>(completed);
                                }

                                @GET
                                @Path("/items/{id: [0-9]+}")
                                @Produces(MediaType.TEXT_PLAIN)
                                public String item(@PathParam("id") String id) {
                                    return id;
                                }

                                @GET
                                @Path("/created")
                                public jakarta.ws.rs.core.Response created() {
                                    return jakarta.ws.rs.core.Response.status(201).entity("made").type(MediaType.TEXT_PLAIN).build();
                                }
                            }
                        }
                        """)
                .build(jars);
    }

    @BeforeEach
    void deploy() throws Exception {
        switchboard.deploy(timing());
        switchboard.awaitState("timing", PluginState.STARTED, "1.0.0");
    }

    @Test
    void headersAddedBeforeCommitReachTheClientWhoeverAnswered() throws Exception {
        HttpResponse<String> created = switchboard.get("/api/timing/created");
        assertThat(created.statusCode()).isEqualTo(201);
        assertThat(created.body()).as("the broken hook changed nothing").isEqualTo("made");
        assertThat(created.headers().firstValue("X-Seen-Status")).hasValue("201");
        assertThat(created.headers().firstValue("Server-Timing")).hasValueSatisfying(v -> assertThat(v).matches("app;dur=[0-9.]+"));

        HttpResponse<String> missing = switchboard.get("/api/nothing-here");
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(missing.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/problem+json"));
        assertThat(missing.headers().firstValue("X-Seen-Status")).hasValue("404");

        try (SseClient stream = switchboard.stream(null, "/api/events/stream?topics=learning.events")) {
            stream.expect(Duration.ofSeconds(10));
            assertThat(stream.headers().firstValue("X-Seen-Status")).hasValue("200");
            assertThat(stream.headers().firstValue("Server-Timing")).isPresent();
        }
    }

    @Test
    void afterProceedTheFilterReadsTheStatusTheRouteAndKnowsAStream() throws Exception {
        switchboard.get("/api/timing/created");
        switchboard.get("/api/nothing-here");
        switchboard.get("/api/timing/items/42");
        switchboard.get("/api/skills");
        try (SseClient stream = switchboard.stream(null, "/api/events/stream?topics=learning.events")) {
            stream.expect(Duration.ofSeconds(10));
        }
        // The filter records the stream after proceed() returns, which races the first event.
        eventually(() -> switchboard.get("/api/timing/seen").body().contains("\"/api/events/stream\""));
        String seen = switchboard.get("/api/timing/seen").body();
        assertThat(seen).contains("\"/api/timing/created\":\"201 /api/timing/created\"", "\"/api/nothing-here\":\"404 none\"",
                "\"/api/timing/items/42\":\"200 /api/timing/items/{id}\"", "\"/api/skills\":\"200 /api/skills\"",
                "\"/api/events/stream\":\"200 stream /api/events/stream\"");
    }

    @Test
    void completionActionsRunWhenTheExchangeIsOverStreamsIncluded() throws Exception {
        switchboard.get("/api/timing/items/7");
        SseClient stream = switchboard.stream(null, "/api/events/stream?topics=learning.events");
        stream.expect(Duration.ofSeconds(10));
        eventually(() -> switchboard.get("/api/timing/completed").body().contains("\"/api/timing/items/7\":\"200 /api/timing/items/{id}\""));
        assertThat(switchboard.get("/api/timing/completed").body()).as("the stream is still open").doesNotContain("/api/events/stream");
        stream.close();
        eventually(() -> switchboard.get("/api/timing/completed").body().contains("\"/api/events/stream\":\"200 /api/events/stream\""));
    }
}
