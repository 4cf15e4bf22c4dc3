package dev.switchboard.plugins.kong;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The Admin API of a real Kong in front ({@code kong.admin_url}): its {@code GET /status}, with
 * the time it took, for the health report.
 */
final class KongAdmin implements AutoCloseable {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final URI status;
    private final Duration timeout;
    private final HttpClient client;

    KongAdmin(String adminUrl, Duration timeout) {
        String base = adminUrl.endsWith("/") ? adminUrl.substring(0, adminUrl.length() - 1) : adminUrl;
        URI uri;
        try {
            uri = URI.create(base + "/status");
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("kong.admin_url: not a URL: " + adminUrl);
        }
        if (uri.getScheme() == null || !uri.getScheme().matches("https?") || uri.getHost() == null) {
            throw new IllegalArgumentException("kong.admin_url: needs an http:// or https:// URL, got '" + adminUrl + "'");
        }
        this.status = uri;
        this.timeout = timeout;
        this.client = HttpClient.newBuilder().connectTimeout(timeout).build();
    }

    /** The report: reachable, latency, Kong's connection and database figures; and whether Kong is healthy. */
    record Report(boolean healthy, Map<String, Object> details) {
    }

    Report check() {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("url", status.toString());
        long start = System.nanoTime();
        try {
            HttpResponse<String> response = client.send(HttpRequest.newBuilder(status).timeout(timeout).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            details.put("latency_ms", Math.round((System.nanoTime() - start) / 1e4) / 100.0);
            details.put("http_status", response.statusCode());
            if (response.statusCode() != 200) {
                details.put("reachable", true);
                return new Report(false, details);
            }
            JsonNode body = JSON.readTree(response.body());
            details.put("reachable", true);
            JsonNode server = body.path("server");
            if (server.isObject()) {
                details.put("server", JSON.convertValue(server, Map.class));
            }
            JsonNode database = body.path("database").path("reachable");
            if (!database.isMissingNode()) {
                details.put("database_reachable", database.asBoolean());
            }
            return new Report(database.isMissingNode() || database.asBoolean(), details);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            details.put("reachable", false);
            details.put("error", "interrupted");
            return new Report(false, details);
        } catch (Exception e) {
            details.put("reachable", false);
            details.put("error", e.toString());
            return new Report(false, details);
        }
    }

    @Override
    public void close() {
        client.close();
    }
}
