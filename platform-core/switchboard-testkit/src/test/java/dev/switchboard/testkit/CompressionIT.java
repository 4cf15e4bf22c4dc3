package dev.switchboard.testkit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.zip.GZIPInputStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Response compression set by a plugin and done by the host: on while the plugin is live, with
 * its settings, never on event streams, and set by one plugin at a time.
 */
class CompressionIT {

    @RegisterExtension
    SwitchboardExtension switchboard = SwitchboardExtension.builder().build();

    @TempDir
    Path jars;

    /** Sets compression from {@code minSize} bytes (none when negative) and serves 4 000 bytes of text at /api/{id}. */
    private Path squeeze(String id, String version, int minSize) {
        String pkg = "fixtures." + id.replace("-", "");
        return PluginJarBuilder.plugin(id, version)
                .source("""
                        package %s;

                        import dev.switchboard.api.*;
                        import jakarta.ws.rs.*;

                        @org.pf4j.Extension
                        public class Entry implements SwitchboardPlugin {
                            @Override
                            public void start(Platform platform) {
                                if (%d >= 0) {
                                    platform.compression(ResponseCompression.from(%2$d));
                                }
                                platform.jaxrs(Text.class);
                            }

                            @Path("/api/%s")
                            public static class Text {
                                @GET
                                @Produces("text/plain")
                                public String text() {
                                    return "switchboard ".repeat(333) + "end";
                                }
                            }
                        }
                        """.formatted(pkg, minSize, id))
                .fileName(id + ".jar")
                .build(jars);
    }

    private HttpResponse<byte[]> gzipped(String path) throws Exception {
        return switchboard.client().send(HttpRequest.newBuilder(switchboard.uri(path)).header("Accept-Encoding", "gzip")
                .timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    @Test
    void thePluginSaysWhenAndTheHostCompresses() throws Exception {
        assertThat(gzipped("/health/live").headers().firstValue("Content-Encoding")).as("no plugin, no compression").isEmpty();

        switchboard.deploy(squeeze("squeeze", "1.0.0", 0));
        switchboard.awaitState("squeeze", PluginState.STARTED, "1.0.0");
        HttpResponse<byte[]> text = gzipped("/api/squeeze");
        assertThat(text.statusCode()).isEqualTo(200);
        assertThat(text.headers().firstValue("Content-Encoding")).hasValue("gzip");
        assertThat(text.headers().allValues("Vary")).anySatisfy(v -> assertThat(v).containsIgnoringCase("Accept-Encoding"));
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(text.body()))) {
            String body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            assertThat(body).hasSize(3999).endsWith("end");
        }
        assertThat(text.body().length).isLessThan(1000);
        HttpResponse<byte[]> identity = switchboard.client().send(HttpRequest.newBuilder(switchboard.uri("/api/squeeze")).GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(identity.headers().firstValue("Content-Encoding")).as("a client that does not accept gzip").isEmpty();
        assertThat(identity.body()).hasSize(3999);

        try (SseClient stream = SseClient.open(switchboard.client(), HttpRequest.newBuilder(
                switchboard.uri("/api/events/stream?topics=learning.events")).header("Accept-Encoding", "gzip").GET().build())) {
            assertThat(stream.expect(Duration.ofSeconds(10)).name()).isEqualTo("connected");
            assertThat(stream.headers().firstValue("Content-Encoding")).as("never an event stream").isEmpty();
        }

        switchboard.deploy(squeeze("squeeze", "2.0.0", 100_000));
        switchboard.awaitState("squeeze", PluginState.STARTED, "2.0.0");
        assertThat(gzipped("/api/squeeze").headers().firstValue("Content-Encoding")).as("the new version's settings").isEmpty();

        switchboard.send(switchboard.admin("/admin/plugins/squeeze/disable").POST(HttpRequest.BodyPublishers.noBody()).build());
        switchboard.awaitState("squeeze", PluginState.DISABLED, "2.0.0");
        assertThat(gzipped("/health/live").headers().firstValue("Content-Encoding")).isEmpty();
    }

    @Test
    void oneLivePluginSetsCompression() throws Exception {
        switchboard.deploy(squeeze("squeeze", "1.0.0", 0));
        switchboard.awaitState("squeeze", PluginState.STARTED, "1.0.0");
        switchboard.deploy(squeeze("squeeze-too", "1.0.0", 0));
        PluginStatus second = switchboard.awaitState("squeeze-too", PluginState.FAILED, "1.0.0");
        assertThat(second.reason()).isEqualTo("response compression is already set by plugin 'squeeze'; only one live plugin may set it");

        // The first stops setting compression (same routes): the second starts by itself.
        switchboard.deploy(squeeze("squeeze", "1.1.0", -1));
        switchboard.awaitState("squeeze", PluginState.STARTED, "1.1.0");
        switchboard.awaitState("squeeze-too", PluginState.STARTED, "1.0.0");
    }
}
