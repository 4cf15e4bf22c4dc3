package dev.switchboard.plugins.performance;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A real Prometheus server (Debian's {@code prometheus} package; ./test installs it) on a free
 * loopback port, scraping one Switchboard every second, for the tests to query through its HTTP API.
 */
final class PrometheusServer implements AutoCloseable {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final Process process;
    private final URI api;
    private final Path log;
    private final HttpClient client = HttpClient.newHttpClient();

    private PrometheusServer(Process process, URI api, Path log) {
        this.process = process;
        this.api = api;
        this.log = log;
    }

    /** Starts Prometheus scraping {@code target}'s {@code /metrics}; {@code scrapeConfig} is more YAML for the job's section. */
    static PrometheusServer start(Path directory, URI target, String scrapeConfig) throws IOException, InterruptedException {
        Files.createDirectories(directory);
        Path config = Files.writeString(directory.resolve("prometheus.yml"), """
                global:
                  scrape_interval: 1s
                  scrape_timeout: 1s
                scrape_configs:
                  - job_name: switchboard
                    metrics_path: /metrics
                    static_configs:
                      - targets: ["%s"]
                %s""".formatted(target.getAuthority(), scrapeConfig.indent(4)));
        int port = freePort();
        Path log = directory.resolve("prometheus.log");
        Process process;
        try {
            process = new ProcessBuilder("prometheus", "--config.file=" + config, "--storage.tsdb.path=" + directory.resolve("data"),
                    "--web.listen-address=127.0.0.1:" + port, "--log.level=warn")
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        } catch (IOException e) {
            throw new IOException("prometheus is not installed: these tests need Debian's prometheus (apt-get install prometheus; ./test installs it)", e);
        }
        PrometheusServer server = new PrometheusServer(process, URI.create("http://127.0.0.1:" + port), log);
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!server.ready()) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                process.destroyForcibly();
                throw new IOException("prometheus did not start: " + Files.readString(log));
            }
            Thread.sleep(50);
        }
        return server;
    }

    private boolean ready() {
        try {
            return client.send(HttpRequest.newBuilder(api.resolve("/-/ready")).build(), HttpResponse.BodyHandlers.discarding())
                    .statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** {@code GET /api/v1/...} with a query string; the {@code data} of Prometheus's answer. */
    JsonNode get(String path, String... parameters) throws IOException, InterruptedException {
        StringBuilder query = new StringBuilder();
        for (int i = 0; i < parameters.length; i += 2) {
            query.append(i == 0 ? "?" : "&").append(parameters[i]).append('=').append(URLEncoder.encode(parameters[i + 1], StandardCharsets.UTF_8));
        }
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(api.resolve("/api/v1/" + path + query)).build(),
                HttpResponse.BodyHandlers.ofString());
        JsonNode body = JSON.readTree(response.body());
        if (response.statusCode() != 200 || !"success".equals(body.path("status").asString())) {
            throw new IOException("Prometheus answered " + response.statusCode() + ": " + response.body());
        }
        return body.get("data");
    }

    /** The one target's state once it has been scraped at least once (health up or down), within 20 s. */
    JsonNode scrapedTarget() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (true) {
            JsonNode targets = get("targets").path("activeTargets");
            if (!targets.isEmpty() && !"unknown".equals(targets.get(0).path("health").asString())) {
                return targets.get(0);
            }
            if (System.nanoTime() > deadline) {
                throw new IOException("Prometheus did not scrape its target within 20 s: " + targets + "\n" + Files.readString(log));
            }
            Thread.sleep(100);
        }
    }

    /** The result vector of an instant query. */
    JsonNode query(String promql) throws IOException, InterruptedException {
        return get("query", "query", promql).path("result");
    }

    /** Polls an instant query until it returns at least one series, for at most 20 s. */
    JsonNode awaitSeries(String promql) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (true) {
            JsonNode result = query(promql);
            if (!result.isEmpty()) {
                return result;
            }
            if (System.nanoTime() > deadline) {
                throw new IOException("no series for " + promql + " within 20 s");
            }
            Thread.sleep(200);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
