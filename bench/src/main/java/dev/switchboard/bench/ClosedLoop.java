package dev.switchboard.bench;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/** A closed loop over HTTP/1.1: {@code clients} virtual threads, each sending the next request when the previous one is answered. */
final class ClosedLoop {

    /** What a run measured: answers per second, the latency of the 200s, the other answers and failures. */
    record Result(double perSecond, Stats latency, long errors) {
    }

    private ClosedLoop() {
    }

    static Result run(HttpRequest request, int clients, Duration duration) throws InterruptedException {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        AtomicBoolean running = new AtomicBoolean(true);
        List<Stats> perThread = new ArrayList<>();
        long[] errors = new long[clients];
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            Stats stats = new Stats();
            perThread.add(stats);
            int index = i;
            threads.add(Thread.ofVirtual().start(() -> {
                while (running.get()) {
                    long start = System.nanoTime();
                    try {
                        HttpResponse<Void> response = client.send(request, HttpResponse.BodyHandlers.discarding());
                        if (response.statusCode() == 200) {
                            stats.add((System.nanoTime() - start) / 1e6);
                        } else {
                            errors[index]++;
                        }
                    } catch (Exception e) {
                        errors[index]++;
                    }
                }
            }));
        }
        long start = System.nanoTime();
        Thread.sleep(duration);
        running.set(false);
        double seconds = (System.nanoTime() - start) / 1e9;
        for (Thread thread : threads) {
            thread.join();
        }
        client.close();
        Stats all = new Stats();
        perThread.forEach(s -> s.samples().forEach(all::add));
        long failed = 0;
        for (long e : errors) {
            failed += e;
        }
        return new Result(all.count() / seconds, all, failed);
    }
}
