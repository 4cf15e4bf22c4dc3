package dev.switchboard.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A closed-loop load generator: {@code clients} virtual threads, each sending the next GET as soon
 * as the previous answer arrived, over HTTP/1.1 keep-alive. Counts answers: 200 is a success;
 * any other status, a reset or a timeout is a failure (a few are kept as samples).
 */
final class LoadGenerator implements AutoCloseable {

    /** Counts over a window. */
    record Window(long ok, long failed, double seconds, List<String> samples) {
        double perSecond() {
            return seconds == 0 ? 0 : ok / seconds;
        }
    }

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final HttpRequest request;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicLong ok = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final ConcurrentLinkedQueue<String> samples = new ConcurrentLinkedQueue<>();
    private final List<Thread> threads = new ArrayList<>();
    private long windowStart = System.nanoTime();

    LoadGenerator(URI target, int clients) {
        this.request = HttpRequest.newBuilder(target).timeout(Duration.ofSeconds(10)).GET().build();
        for (int i = 0; i < clients; i++) {
            threads.add(Thread.ofVirtual().name("load-", i).start(this::loop));
        }
    }

    private void loop() {
        while (running.get()) {
            try {
                HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    ok.incrementAndGet();
                } else {
                    fail(response.statusCode() + " " + response.body());
                }
            } catch (IOException e) {
                fail(e.toString());
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void fail(String sample) {
        failed.incrementAndGet();
        if (samples.size() < 5) {
            samples.add(sample.length() > 200 ? sample.substring(0, 200) : sample);
        }
    }

    /** The counts since the last call (or the start), and a new window from now. */
    synchronized Window window() {
        long now = System.nanoTime();
        Window window = new Window(ok.getAndSet(0), failed.getAndSet(0), (now - windowStart) / 1e9, List.copyOf(samples));
        samples.clear();
        windowStart = now;
        return window;
    }

    @Override
    public void close() throws InterruptedException {
        running.set(false);
        for (Thread thread : threads) {
            thread.join(Duration.ofSeconds(15));
        }
        client.close();
    }
}
