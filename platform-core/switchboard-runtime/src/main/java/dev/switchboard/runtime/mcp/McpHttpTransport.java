package dev.switchboard.runtime.mcp;

import dev.switchboard.api.Principal;
import dev.switchboard.runtime.config.Settings;
import dev.switchboard.runtime.http.Bodies;
import dev.switchboard.runtime.http.ErrorReference;
import dev.switchboard.runtime.http.HostEndpoint;
import dev.switchboard.runtime.http.Problems;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.TypeRef;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpStreamableServerSession;
import io.modelcontextprotocol.spec.McpStreamableServerTransportProvider;
import io.modelcontextprotocol.spec.ProtocolVersions;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.ws.rs.WebApplicationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.util.context.Context;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * MCP's Streamable HTTP transport at {@code /mcp}, written for Switchboard on the SDK's session
 * API (the SDK's own servlet transport lacks resumability, cancellation, custom methods, protocol
 * version checks and JSON-RPC error bodies; see docs/decisions/0014-mcp-transport.md).
 *
 * <ul>
 *   <li>POST carries one JSON-RPC message. {@code initialize} and the skills extension's methods
 *       answer {@code application/json}; other requests answer an SSE stream that starts with a
 *       priming event (an id, {@code retry:}, empty data) and ends after the response;
 *       notifications and responses get 202.</li>
 *   <li>GET opens the session's listening stream, or with {@code Last-Event-ID} resumes any of its
 *       streams where the client lost it; DELETE ends the session.</li>
 *   <li>Each request is checked in this order: Host and Origin (DNS rebinding: 403), caller ({@link McpRequestGuard})
 *       (401 with {@code WWW-Authenticate: Bearer resource_metadata=...}), session (400 without
 *       one, 404 for an unknown one or one opened by another principal),
 *       {@code MCP-Protocol-Version} (400 for an unsupported one); a POST body must be one JSON-RPC
 *       2.0 message ({@link JsonRpcReader}), and a gateway filter's 401 gets the metadata challenge
 *       too ({@link McpChallenge}). Every error body is a JSON-RPC error.</li>
 *   <li>Work runs on virtual threads: the servlet thread returns at once, so an MCP request never
 *       holds back a plugin swap.</li>
 * </ul>
 */
public final class McpHttpTransport implements McpStreamableServerTransportProvider, HostEndpoint, AutoCloseable {

    public static final String PATH = "/mcp";
    private static final Logger LOG = LoggerFactory.getLogger(McpHttpTransport.class);
    /** Before a version is negotiated, or when the client sends no header: what the spec says to assume. */
    private static final String DEFAULT_VERSION = ProtocolVersions.MCP_2025_03_26;
    private static final List<String> VERSIONS = List.of(ProtocolVersions.MCP_2025_03_26, ProtocolVersions.MCP_2025_06_18,
            ProtocolVersions.MCP_2025_11_25);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Settings.McpSettings settings;
    private final McpJsonMapper json;
    private final HostMethods methods;
    private final McpReplies replies;
    private final McpRequestGuard guard;
    private final McpSessions sessions;
    private final ExecutorService work = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("mcp-", 0).factory());
    private volatile McpStreamableServerSession.Factory sessionFactory;
    private volatile boolean closing;

    McpHttpTransport(Settings.McpSettings settings, McpJsonMapper json, HostMethods methods, MeterRegistry meters) {
        this.settings = settings;
        this.json = json;
        this.methods = methods;
        this.replies = new McpReplies(json);
        this.guard = new McpRequestGuard(settings, replies);
        this.sessions = new McpSessions(settings, replies, VERSIONS);
        Gauge.builder("switchboard.mcp.sessions", sessions, McpSessions::open).description("MCP sessions open now (Streamable HTTP)")
                .register(meters);
    }

    @Override
    public void setSessionFactory(McpStreamableServerSession.Factory sessionFactory) {
        this.sessionFactory = sessionFactory;
    }

    @Override
    public List<String> protocolVersions() {
        return VERSIONS;
    }

    @Override
    public Mono<Void> notifyClients(String method, Object params) {
        return Mono.fromRunnable(() -> sessions.broadcast(method, params));
    }

    @Override
    public Mono<Void> notifyClient(String sessionId, String method, Object params) {
        return Mono.fromRunnable(() -> sessions.notifySession(sessionId, method, params));
    }

    @Override
    public Mono<Void> closeGracefully() {
        return Mono.fromRunnable(this::close);
    }

    /**
     * The host is shutting down: new requests get 503 and the listening streams end (their
     * clients reconnect elsewhere), so that only calls in flight hold the drain.
     */
    public void shutdown() {
        closing = true;
        sessions.endListening();
    }

    @Override
    public void close() {
        closing = true;
        sessions.close();
        work.shutdownNow();
    }

    /** The gateway filters answer through a response whose 401s point MCP clients at the metadata ({@link McpChallenge}). */
    @Override
    public HttpServletResponse gatewayResponse(HttpServletRequest request, HttpServletResponse response) {
        return McpChallenge.wrap(request, response);
    }

    @Override
    public void serve(HttpServletRequest request, HttpServletResponse response) throws IOException {
        try {
            if (closing) {
                replies.error(response, 503, McpSchema.ErrorCodes.INTERNAL_ERROR, "The server is shutting down.");
                return;
            }
            Principal principal = guard.admit(request, response);
            if (principal == null) {
                return;
            }
            switch (request.getMethod()) {
                case "POST" -> post(request, response, principal);
                case "GET" -> get(request, response, principal);
                case "DELETE" -> delete(request, response, principal);
                default -> {
                    response.setHeader("Allow", "GET, POST, DELETE");
                    replies.refuse(response, 405, "Method not allowed: /mcp takes POST, GET and DELETE.");
                }
            }
        } catch (RuntimeException e) {
            String reference = ErrorReference.next();
            LOG.error("MCP request failed (reference {})", reference, e);
            if (!response.isCommitted()) {
                response.reset();
                replies.error(response, 500, McpSchema.ErrorCodes.INTERNAL_ERROR, "Internal error. Reference: " + reference + ".");
            }
        }
    }

    private void post(HttpServletRequest request, HttpServletResponse response, Principal principal) throws IOException {
        if (!McpRequestGuard.accepts(request, "application/json") || !McpRequestGuard.accepts(request, "text/event-stream")) {
            replies.refuse(response, 406, "Not acceptable: the client must accept both application/json and text/event-stream.");
            return;
        }
        String type = request.getContentType();
        if (type == null || !type.toLowerCase(Locale.ROOT).startsWith("application/json")) {
            replies.refuse(response, 415, "Unsupported media type: the body must be application/json.");
            return;
        }
        byte[] body;
        try {
            body = Bodies.readLimited(request.getInputStream(), request.getContentLengthLong(), settings.maxMessageSize().bytes(),
                    "mcp.max_message_size");
        } catch (WebApplicationException e) {
            replies.refuse(response, e.getResponse().getStatus(), e.getMessage());
            return;
        }
        McpSchema.JSONRPCMessage message;
        switch (JsonRpcReader.read(json, new String(body, StandardCharsets.UTF_8))) {
            case JsonRpcInput.Accepted accepted -> message = accepted.message();
            case JsonRpcInput.Refused refused -> {
                // A message that is not JSON-RPC is an HTTP error; a request read but refused gets its JSON-RPC answer.
                replies.writeJson(response, refused.malformed() || refused.notification() ? 400 : 200, refused.answer());
                return;
            }
        }
        if (message instanceof McpSchema.JSONRPCRequest call && McpSchema.METHOD_INITIALIZE.equals(call.method())) {
            initialize(call, response, principal);
            return;
        }
        McpConnection connection = sessions.of(request, response, principal);
        if (connection == null) {
            return;
        }
        switch (message) {
            case McpSchema.JSONRPCNotification notification -> {
                if ("notifications/cancelled".equals(notification.method())) {
                    cancel(connection, notification.params());
                } else {
                    connection.session.accept(notification).contextWrite(context(principal, connection, null)).block();
                }
                response.setStatus(202);
            }
            case McpSchema.JSONRPCResponse answer -> {
                connection.session.accept(answer).contextWrite(context(principal, connection, null))
                        .onErrorResume(e -> Mono.empty()).block();
                response.setStatus(202);
            }
            case McpSchema.JSONRPCRequest call -> {
                Optional<McpSchema.JSONRPCResponse> answer = methods.answer(call, principal);
                if (answer.isPresent()) {
                    replies.writeJson(response, 200, answer.get());
                } else {
                    stream(call, request, response, principal, connection);
                }
            }
            default -> replies.error(response, 400, McpSchema.ErrorCodes.INVALID_REQUEST, "Invalid request.");
        }
    }

    private void initialize(McpSchema.JSONRPCRequest call, HttpServletResponse response, Principal principal) throws IOException {
        if (sessions.full()) {
            replies.refuse(response, 503, "Too many MCP sessions are open (mcp.max_sessions = " + settings.maxSessions() + ").");
            return;
        }
        McpSchema.InitializeRequest init;
        try {
            init = json.convertValue(call.params(), new TypeRef<McpSchema.InitializeRequest>() {
            });
        } catch (IllegalArgumentException e) {
            replies.writeJson(response, 400, McpSchema.JSONRPCResponse.error(call.id(),
                    new McpSchema.JSONRPCResponse.JSONRPCError(McpSchema.ErrorCodes.INVALID_PARAMS, "Invalid params: " + e.getMessage())));
            return;
        }
        if (init == null || init.protocolVersion() == null) {
            replies.writeJson(response, 400, McpSchema.JSONRPCResponse.error(call.id(),
                    new McpSchema.JSONRPCResponse.JSONRPCError(McpSchema.ErrorCodes.INVALID_PARAMS, "Invalid params: protocolVersion is required.")));
            return;
        }
        McpStreamableServerSession.McpStreamableServerSessionInit started = sessionFactory.startSession(init);
        McpConnection connection = new McpConnection(started.session(), principal);
        McpSchema.InitializeResult result;
        try {
            result = started.initResult().contextWrite(context(principal, connection, call.id())).block();
        } catch (McpError e) {
            replies.writeJson(response, 400, McpSchema.JSONRPCResponse.error(call.id(), e.getJsonRpcError()));
            return;
        }
        sessions.opened(connection);
        response.setHeader(McpSessions.SESSION_HEADER, connection.id());
        replies.writeJson(response, 200, McpSchema.JSONRPCResponse.result(call.id(), result));
    }

    /** A request answered over SSE: priming event, notifications the handler sends, then the response. */
    private void stream(McpSchema.JSONRPCRequest call, HttpServletRequest request, HttpServletResponse response, Principal principal,
                        McpConnection connection) throws IOException {
        SseStream stream = new SseStream(newStreamId(), json, settings.replayMessages(), settings.sseRetry().toMillis(), false);
        connection.add(stream);
        Calls.Call inFlight = connection.calls.start(call.id(), stream);
        attach(stream, startSse(request, response, stream), 0);
        work.execute(() -> {
            try {
                connection.session.responseStream(stream).handle(call)
                        .contextWrite(context(principal, connection, call.id()))
                        .block();
            } catch (RuntimeException e) {
                LOG.warn("MCP session {}: {} failed: {}", connection.id(), call.method(), e.toString());
                stream.send(McpSchema.JSONRPCResponse.error(call.id(),
                        new McpSchema.JSONRPCResponse.JSONRPCError(McpSchema.ErrorCodes.INTERNAL_ERROR, "Internal error.")));
            } finally {
                connection.calls.end(call.id(), inFlight);
                stream.close();
            }
        });
    }

    private AsyncContext startSse(HttpServletRequest request, HttpServletResponse response, SseStream stream) {
        response.setStatus(200);
        response.setContentType("text/event-stream");
        response.setCharacterEncoding("UTF-8");
        response.setHeader("Cache-Control", "no-cache, no-transform");
        response.setHeader("X-Accel-Buffering", "no");
        AsyncContext async = request.startAsync();
        async.setTimeout(0);
        async.addListener(new AsyncListener() {
            @Override
            public void onComplete(AsyncEvent event) {
                stream.connectionEnded(async);
            }

            @Override
            public void onTimeout(AsyncEvent event) {
                stream.connectionEnded(async);
            }

            @Override
            public void onError(AsyncEvent event) {
                stream.connectionEnded(async);
            }

            @Override
            public void onStartAsync(AsyncEvent event) {
            }
        });
        return async;
    }

    private void get(HttpServletRequest request, HttpServletResponse response, Principal principal) throws IOException {
        if (!McpRequestGuard.accepts(request, "text/event-stream")) {
            replies.refuse(response, 406, "Not acceptable: the client must accept text/event-stream.");
            return;
        }
        McpConnection connection = sessions.of(request, response, principal);
        if (connection == null) {
            return;
        }
        String lastEventId = request.getHeader("Last-Event-ID");
        if (lastEventId != null) {
            SseStream stream = connection.stream(SseStream.streamOf(lastEventId));
            long after = stream == null ? -1 : stream.sequenceOf(lastEventId);
            if (after < 0) {
                replies.refuse(response, 404, "Not found: event " + Problems.echo(lastEventId) + " is not one of this session's streams (or it was forgotten).");
                return;
            }
            AsyncContext async = startSse(request, response, stream);
            if (!attach(stream, async, after)) {
                async.complete();
                LOG.debug("MCP session {}: resume of {} after {} missed kept messages", connection.id(), stream.id(), after);
            }
            return;
        }
        SseStream current = connection.listening();
        if (current != null && current.connected()) {
            replies.refuse(response, 409, "Conflict: this session already has a listening stream open.");
            return;
        }
        if (current != null) {
            current.close();
        }
        SseStream stream = new SseStream(newStreamId(), json, settings.replayMessages(), settings.sseRetry().toMillis(), true);
        connection.add(stream);
        attach(stream, startSse(request, response, stream), 0);
        connection.session.listeningStream(stream);
    }

    /**
     * Attaches a connection to a stream; a client that is gone already leaves the stream detached
     * (its messages are kept for a reconnection). False when the kept messages no longer reach back
     * to {@code after}.
     */
    private static boolean attach(SseStream stream, AsyncContext async, long after) {
        try {
            return stream.attach(async, after);
        } catch (IOException e) {
            LOG.debug("MCP stream {}: the client left before its first event ({})", stream.id(), e.toString());
            return true;
        }
    }

    private void delete(HttpServletRequest request, HttpServletResponse response, Principal principal) throws IOException {
        McpConnection connection = sessions.of(request, response, principal);
        if (connection == null) {
            return;
        }
        sessions.closed(connection);
        response.setStatus(200);
    }

    private static void cancel(McpConnection connection, Object params) {
        if (params instanceof Map<?, ?> map && connection.calls.cancel(map.get("requestId"))) {
            LOG.debug("MCP session {}: request {} cancelled ({})", connection.id(), map.get("requestId"), map.get("reason"));
        }
    }

    private static Context context(Principal principal, McpConnection connection, Object requestId) {
        return TransportContext.of(principal, connection.calls, requestId);
    }

    private static String newStreamId() {
        byte[] bytes = new byte[9];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }
}
