package dev.switchboard.testkit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Swapping plugins while the host serves: no failed request, streams stay open, old code is freed. */
class HotSwapIT {

    private static final int SWAPS = 20;
    private static final int CLIENTS = 4;

    @RegisterExtension
    SwitchboardExtension switchboard = SwitchboardExtension.builder().build();

    @TempDir
    Path jars;

    @Test
    void twentySwapsUnderLoadFailNoRequestAndKeepCoreStreamsOpen() throws Exception {
        Path v1 = Fixtures.greeter(jars, "1.0.0");
        Path v2 = Fixtures.greeter(jars, "2.0.0");
        switchboard.deploy(v1, "greeter.jar");
        switchboard.awaitState("greeter", PluginState.STARTED, "1.0.0");

        // A stream on a core route, held open across every swap.
        ConcurrentLinkedQueue<String> lines = new ConcurrentLinkedQueue<>();
        CountDownLatch streamOpen = new CountDownLatch(1);
        AtomicBoolean streamEnded = new AtomicBoolean();
        Thread reader = Thread.ofVirtual().start(() -> {
            try {
                HttpResponse<Stream<String>> response = switchboard.client().send(
                        HttpRequest.newBuilder(switchboard.uri("/admin/events")).header("Accept", "text/event-stream").build(),
                        HttpResponse.BodyHandlers.ofLines());
                streamOpen.countDown();
                response.body().forEach(lines::add);
            } catch (IOException | InterruptedException | java.io.UncheckedIOException e) {
                lines.add("error: " + e);
            } finally {
                streamEnded.set(true);
            }
        });
        assertThat(streamOpen.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();

        AtomicBoolean running = new AtomicBoolean(true);
        AtomicLong ok = new AtomicLong();
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        Map<String, AtomicInteger> versionsSeen = new ConcurrentHashMap<>();
        List<Thread> clients = new ArrayList<>();
        for (int i = 0; i < CLIENTS; i++) {
            clients.add(Thread.ofVirtual().start(() -> {
                while (running.get()) {
                    try {
                        HttpResponse<String> response = switchboard.get("/api/greeter");
                        if (response.statusCode() == 200) {
                            ok.incrementAndGet();
                            versionsSeen.computeIfAbsent(response.body().contains("2.0.0") ? "2.0.0" : "1.0.0", k -> new AtomicInteger()).incrementAndGet();
                        } else {
                            failures.add(response.statusCode() + " " + response.body());
                        }
                    } catch (IOException e) {
                        failures.add(e.toString());
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }));
        }

        long before = ok.get();
        for (int swap = 1; swap <= SWAPS; swap++) {
            String version = swap % 2 == 1 ? "2.0.0" : "1.0.0";
            switchboard.deploy(swap % 2 == 1 ? v2 : v1, "greeter.jar");
            switchboard.awaitState("greeter", PluginState.STARTED, version);
            long generation = switchboard.plugin("greeter").orElseThrow().generation();
            // Let traffic run on the new generation for a moment.
            long seen = ok.get();
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (ok.get() < seen + 20 && failures.isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(1);
            }
            assertThat(generation).isGreaterThan(swap);
        }
        running.set(false);
        for (Thread client : clients) {
            client.join();
        }

        assertThat(failures).as("failed requests during %d swaps", SWAPS).isEmpty();
        assertThat(ok.get() - before).isGreaterThan(SWAPS * 20L);
        assertThat(versionsSeen).containsKeys("1.0.0", "2.0.0");

        assertThat(streamEnded).as("the core SSE stream ended during the swaps: %s", lines).isFalse();
        assertThat(lines.stream().filter(l -> l.equals("event: generation")).count()).isGreaterThanOrEqualTo(SWAPS);
        reader.interrupt();

        // Every retired version's class loader is collected: nothing of the old code stays behind.
        JsonMapper json = JsonMapper.shared();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        JsonNode leaks;
        do {
            Thread.sleep(100);
            leaks = json.readTree(switchboard.get("/admin/leaks").body());
        } while ((leaks.get("pending").asLong() > 0 || leaks.get("collected").asLong() < SWAPS) && System.nanoTime() < deadline);
        assertThat(leaks.get("leaks").size()).as("leaks: %s", leaks).isZero();
        assertThat(leaks.get("collected").asLong()).as("collected: %s", leaks).isGreaterThanOrEqualTo(SWAPS);
    }
}
