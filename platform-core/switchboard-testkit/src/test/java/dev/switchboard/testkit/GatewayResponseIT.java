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
    SwitchboardExtension switchboard = SwitchboardExtension.builder().build();

    @TempDir
    Path jars;

    /**
     * A filter that adds {@code X-Seen-Status} (the status at commit) and a {@code Server-Timing}
     * entry before commit, and keeps, per path, the status and stream flag it read after
     * {@code proceed()}; its route {@code /api/timing/seen} shows them.
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
                                        chain.proceed();
                                        seen.put(exchange.path(), exchange.response().status() + (exchange.response().eventStream() ? " stream" : ""));
                                    }
                                });
                                platform.jaxrs(new Seen(seen));
                            }

                            @Path("/api/timing")
                            public static class Seen {
                                private final Map<String, String> seen;

                                Seen(Map<String, String> seen) {
                                    this.seen = seen;
                                }

                                @GET
                                @Path("/seen")
                                @Produces(MediaType.APPLICATION_JSON)
                                public Map<String, String> seen() {
                                    return new TreeMap<>(seen);
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
    void afterProceedTheFilterReadsTheStatusAndKnowsAStream() throws Exception {
        switchboard.get("/api/timing/created");
        switchboard.get("/api/nothing-here");
        try (SseClient stream = switchboard.stream(null, "/api/events/stream?topics=learning.events")) {
            stream.expect(Duration.ofSeconds(10));
        }
        // The filter records the stream after proceed() returns, which races the first event.
        eventually(() -> switchboard.get("/api/timing/seen").body().contains("\"/api/events/stream\""));
        String seen = switchboard.get("/api/timing/seen").body();
        assertThat(seen).contains("\"/api/timing/created\":\"201\"", "\"/api/nothing-here\":\"404\"",
                "\"/api/events/stream\":\"200 stream\"");
    }
}
