package dev.switchboard.testkit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The check the extension runs after every test: no request left inside a plugin generation. */
class InvariantsIT {

    @RegisterExtension
    SwitchboardExtension switchboard = SwitchboardExtension.builder().build();

    @TempDir
    Path jars;

    /** GET /api/hang suspends and never answers by itself; GET /api/hang/release answers it. */
    private Path hanger() {
        return PluginJarBuilder.plugin("hanger", "1.0.0")
                .source("""
                        package fixtures.hanger;

                        import dev.switchboard.api.*;
                        import jakarta.ws.rs.*;
                        import jakarta.ws.rs.container.*;
                        import java.util.concurrent.atomic.AtomicReference;

                        @org.pf4j.Extension
                        public class Entry implements SwitchboardPlugin {
                            @Override
                            public void start(Platform platform) {
                                platform.jaxrs(new Hang());
                            }

                            @Path("/api/hang")
                            public static class Hang {
                                private final AtomicReference<AsyncResponse> waiting = new AtomicReference<>();

                                @GET
                                public void hang(@Suspended AsyncResponse response) {
                                    waiting.set(response);
                                }

                                @GET
                                @Path("/release")
                                public String release() {
                                    AsyncResponse response = waiting.getAndSet(null);
                                    return response != null && response.resume("released") ? "released" : "nothing waited";
                                }
                            }
                        }
                        """)
                .build(jars);
    }

    @Test
    void aRequestLeftInsideAPluginGenerationFailsTheCheck() throws Exception {
        switchboard.deploy(hanger());
        switchboard.awaitState("hanger", PluginState.STARTED, "1.0.0");
        CompletableFuture<HttpResponse<String>> hanging = switchboard.client().sendAsync(
                HttpRequest.newBuilder(switchboard.uri("/api/hang")).GET().build(), HttpResponse.BodyHandlers.ofString());

        try {
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (switchboard.host().plugins().activeRequests() == 0 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThatThrownBy(() -> switchboard.checkNoRequestLeftInside(Duration.ofMillis(300)))
                    .isInstanceOf(AssertionError.class)
                    .hasMessageStartingWith("1 request(s) still inside plugin generations 300 ms after the test");
        } finally {
            switchboard.get("/api/hang/release");
        }
        assertThat(hanging.get().body()).isEqualTo("released");
        switchboard.checkNoRequestLeftInside(Duration.ofSeconds(10));
    }
}
