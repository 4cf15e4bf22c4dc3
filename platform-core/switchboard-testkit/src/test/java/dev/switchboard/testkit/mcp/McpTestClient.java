package dev.switchboard.testkit.mcp;

import dev.switchboard.testkit.SseClient;
import dev.switchboard.testkit.SwitchboardExtension;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A minimal MCP Streamable HTTP client over {@link java.net.http.HttpClient}, written from the
 * specification so that the tests see the exact bytes on the wire (the TypeScript SDK and the MCP
 * Inspector are exercised separately).
 */
final class McpTestClient {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String ACCEPT = "application/json, text/event-stream";

    private final SwitchboardExtension switchboard;
    private final String token;
    private final String sessionId;
    private final JsonNode initializeResult;
    private final AtomicInteger ids = new AtomicInteger(100);

    private McpTestClient(SwitchboardExtension switchboard, String token, String sessionId, JsonNode initializeResult) {
        this.switchboard = switchboard;
        this.token = token;
        this.sessionId = sessionId;
        this.initializeResult = initializeResult;
    }

    static HttpRequest.Builder initializeRequest(SwitchboardExtension switchboard, String token) {
        String body = JSON.writeValueAsString(Map.of("jsonrpc", "2.0", "id", 1, "method", "initialize", "params", Map.of(
                "protocolVersion", "2025-11-25", "capabilities", Map.of(), "clientInfo", Map.of("name", "McpIT", "version", "1"))));
        HttpRequest.Builder request = token == null ? HttpRequest.newBuilder(switchboard.uri("/mcp")) : switchboard.as(token, "/mcp");
        return request.header("Content-Type", "application/json").header("Accept", ACCEPT).POST(HttpRequest.BodyPublishers.ofString(body));
    }

    /** Initializes a session as the principal of {@code token} and sends {@code notifications/initialized}. */
    static McpTestClient open(SwitchboardExtension switchboard, String token) throws IOException, InterruptedException {
        HttpResponse<String> response = switchboard.send(initializeRequest(switchboard, token).build());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("initialize: " + response.statusCode() + " " + response.body());
        }
        String session = response.headers().firstValue("Mcp-Session-Id").orElseThrow();
        McpTestClient client = new McpTestClient(switchboard, token, session, JSON.readTree(response.body()).path("result"));
        client.notify("notifications/initialized", Map.of());
        return client;
    }

    String sessionId() {
        return sessionId;
    }

    JsonNode initializeResult() {
        return initializeResult;
    }

    /** A request to /mcp with the session's headers. */
    HttpRequest.Builder base(String method) {
        return switchboard.as(token, "/mcp").header("Mcp-Session-Id", sessionId).header("MCP-Protocol-Version", "2025-11-25")
                .header("Content-Type", "application/json").header("Accept", ACCEPT)
                .method(method, HttpRequest.BodyPublishers.noBody());
    }

    void notify(String method, Map<String, Object> params) throws IOException, InterruptedException {
        HttpResponse<String> response = switchboard.send(base("POST").POST(HttpRequest.BodyPublishers.ofString(
                JSON.writeValueAsString(Map.of("jsonrpc", "2.0", "method", method, "params", params)))).build());
        if (response.statusCode() != 202) {
            throw new IllegalStateException(method + ": " + response.statusCode() + " " + response.body());
        }
    }

    /** Sends a request and reads its answer: the JSON body, or the response message of the SSE stream. */
    JsonNode request(String method, Map<String, Object> params) throws IOException, InterruptedException {
        Map<String, Object> message = message(ids.incrementAndGet(), method, params);
        HttpResponse<String> response;
        try {
            // Bounded: a call stuck behind a run that was not stopped fails the test instead of hanging it.
            response = switchboard.client().sendAsync(base("POST").POST(HttpRequest.BodyPublishers.ofString(
                    JSON.writeValueAsString(message))).build(), HttpResponse.BodyHandlers.ofString()).get(60, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException(method + " got no complete answer within 60 s", e);
        }
        String type = response.headers().firstValue("Content-Type").orElse("");
        if (type.startsWith("application/json")) {
            return JSON.readTree(response.body());
        }
        JsonNode last = null;
        for (String line : response.body().split("\n")) {
            if (line.startsWith("data: ") && line.length() > 6) {
                last = JSON.readTree(line.substring(6));
            }
        }
        if (last == null) {
            throw new IllegalStateException(method + ": no message in " + response.statusCode() + " " + response.body());
        }
        return last;
    }

    /** Sends a request and returns its SSE stream as it comes. */
    SseClient post(String method, Map<String, Object> params) throws IOException, InterruptedException {
        return post(ids.incrementAndGet(), method, params);
    }

    SseClient post(int id, String method, Map<String, Object> params) throws IOException, InterruptedException {
        return SseClient.open(switchboard.client(), base("POST")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(message(id, method, params)))).build());
    }

    /** Opens the session's listening stream. */
    SseClient listen() throws IOException, InterruptedException {
        return SseClient.open(switchboard.client(), base("GET").header("Accept", "text/event-stream").GET().build());
    }

    /** Resumes a stream after the event {@code lastEventId}. */
    SseClient resume(String lastEventId) throws IOException, InterruptedException {
        return SseClient.open(switchboard.client(), base("GET").header("Accept", "text/event-stream")
                .header("Last-Event-ID", lastEventId).GET().build());
    }

    private static Map<String, Object> message(int id, String method, Map<String, Object> params) {
        Map<String, Object> message = new LinkedHashMap<>();
        message.put("jsonrpc", "2.0");
        message.put("id", id);
        message.put("method", method);
        message.put("params", params);
        return message;
    }

    /** The messages of {@code stream} until (and with) the first response, skipping priming events. */
    static List<JsonNode> untilResponse(SseClient stream, Duration timeout) throws InterruptedException {
        List<JsonNode> messages = new ArrayList<>();
        SseClient.Event event;
        while ((event = stream.next(timeout)) != null) {
            if (event.data().isEmpty()) {
                continue;
            }
            JsonNode message = JSON.readTree(event.data());
            messages.add(message);
            if (message.has("result") || message.has("error")) {
                return messages;
            }
        }
        throw new IllegalStateException("no response came; messages so far: " + messages);
    }

    /** The messages already received on an ended {@code stream}, skipping priming events. */
    static List<JsonNode> messages(SseClient stream) throws InterruptedException {
        List<JsonNode> messages = new ArrayList<>();
        SseClient.Event event;
        while ((event = stream.next(Duration.ofMillis(10))) != null) {
            if (!event.data().isEmpty()) {
                messages.add(JSON.readTree(event.data()));
            }
        }
        return messages;
    }

    /** Waits for a notification named {@code method} on {@code stream}. */
    static boolean awaitMethod(SseClient stream, String method, Duration timeout) throws InterruptedException {
        SseClient.Event event;
        while ((event = stream.next(timeout)) != null) {
            if (!event.data().isEmpty() && method.equals(JSON.readTree(event.data()).path("method").asString())) {
                return true;
            }
        }
        return false;
    }
}
