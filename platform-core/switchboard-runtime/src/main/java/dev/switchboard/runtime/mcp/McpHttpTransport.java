package dev.switchboard.runtime.mcp;

import dev.switchboard.api.AuthenticationException;
import dev.switchboard.api.Principal;
import dev.switchboard.runtime.config.Settings;
import dev.switchboard.runtime.gateway.RequestAuthentication;
import dev.switchboard.runtime.http.Bodies;
import dev.switchboard.runtime.http.ErrorReference;
import dev.switchboard.runtime.http.HostEndpoint;
import dev.switchboard.runtime.http.Problems;
import io.modelcontextprotocol.common.McpTransportContext;
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
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

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
 *   <li>Each request is checked in this order: Host and Origin (DNS rebinding: 403), caller
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
    /** Transport context keys the tool handlers read. */
    static final String PRINCIPAL = "switchboard.principal";
    static final String CALLS = "switchboard.calls";
    static final String REQUEST_ID = "switchboard.requestId";

    private static final Logger LOG = LoggerFactory.getLogger(McpHttpTransport.class);
    private static final String SESSION_HEADER = "Mcp-Session-Id";
    private static final String VERSION_HEADER = "MCP-Protocol-Version";
    /** Before a version is negotiated, or when the client sends no header: what the spec says to assume. */
    private static final String DEFAULT_VERSION = ProtocolVersions.MCP_2025_03_26;
    private static final List<String> VERSIONS = List.of(ProtocolVersions.MCP_2025_03_26, ProtocolVersions.MCP_2025_06_18,
            ProtocolVersions.MCP_2025_11_25);
    private static final Set<String> LOOPBACK_NAMES = Set.of("localhost", "127.0.0.1", "[::1]", "::1");
    private static final SecureRandom RANDOM = new SecureRandom();
    /** JSON-RPC's implementation-defined server error, for a request refused at the HTTP level (the status says why). */
    private static final int REFUSED = -32000;
    /** What MCP's reference SDKs answer for an unknown session, so that clients start a new one. */
    private static final int SESSION_NOT_FOUND = -32001;

    private final Settings.McpSettings settings;
    private final McpJsonMapper json;
    private final HostMethods methods;
    private final Map<String, McpConnection> sessions = new ConcurrentHashMap<>();
    private final ExecutorService work = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("mcp-", 0).factory());
    private final ScheduledExecutorService sweeper = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("mcp-session-sweeper").factory());
    private volatile McpStreamableServerSession.Factory sessionFactory;
    private volatile boolean closing;

    McpHttpTransport(Settings.McpSettings settings, McpJsonMapper json, HostMethods methods) {
        this.settings = settings;
        this.json = json;
        this.methods = methods;
        long period = Math.max(1_000, Math.min(60_000, settings.sessionIdleTimeout().toMillis() / 4));
        sweeper.scheduleWithFixedDelay(this::sweep, period, period, TimeUnit.MILLISECONDS);
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
        return Mono.fromRunnable(() -> {
            for (McpConnection connection : sessions.values()) {
                notify(connection, method, params);
            }
        });
    }

    @Override
    public Mono<Void> notifyClient(String sessionId, String method, Object params) {
        return Mono.fromRunnable(() -> {
            McpConnection connection = sessions.get(sessionId);
            if (connection != null) {
                notify(connection, method, params);
            }
        });
    }

    private static void notify(McpConnection connection, String method, Object params) {
        // Without a listening stream there is nowhere to send it: the spec's design, not an error.
        if (connection.listening() != null) {
            connection.session.sendNotification(method, params)
                    .onErrorResume(e -> {
                        LOG.debug("MCP session {}: {} not sent: {}", connection.id(), method, e.toString());
                        return Mono.empty();
                    })
                    .subscribe();
        }
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
        for (McpConnection connection : sessions.values()) {
            SseStream listening = connection.listening();
            if (listening != null) {
                listening.close();
            }
        }
    }

    @Override
    public void close() {
        closing = true;
        sweeper.shutdownNow();
        sessions.values().forEach(McpConnection::close);
        sessions.clear();
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
                error(response, 503, McpSchema.ErrorCodes.INTERNAL_ERROR, "The server is shutting down.");
                return;
            }
            if (!hostAllowed(request.getHeader("Host"))) {
                refuse(response, 403, "Forbidden: the Host header " + Problems.echo(request.getHeader("Host"))
                        + " is not allowed (mcp.allowed_hosts); this protects against DNS rebinding.");
                return;
            }
            String origin = request.getHeader("Origin");
            if (origin != null && !originAllowed(origin)) {
                refuse(response, 403, "Forbidden: the Origin " + Problems.echo(origin) + " is not allowed (mcp.allowed_origins).");
                return;
            }
            Principal principal = authenticate(request, response);
            if (principal == null) {
                return;
            }
            switch (request.getMethod()) {
                case "POST" -> post(request, response, principal);
                case "GET" -> get(request, response, principal);
                case "DELETE" -> delete(request, response, principal);
                default -> {
                    response.setHeader("Allow", "GET, POST, DELETE");
                    refuse(response, 405, "Method not allowed: /mcp takes POST, GET and DELETE.");
                }
            }
        } catch (RuntimeException e) {
            String reference = ErrorReference.next();
            LOG.error("MCP request failed (reference {})", reference, e);
            if (!response.isCommitted()) {
                response.reset();
                error(response, 500, McpSchema.ErrorCodes.INTERNAL_ERROR, "Internal error. Reference: " + reference + ".");
            }
        }
    }

    private Principal authenticate(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String challenge = McpChallenge.of(request);
        try {
            Principal principal = RequestAuthentication.of(request).principal(request).orElse(null);
            if (principal == null) {
                response.setHeader("WWW-Authenticate", challenge);
                refuse(response, 401, "Unauthorized: /mcp needs a bearer token in the Authorization header.");
            }
            return principal;
        } catch (AuthenticationException e) {
            response.setHeader("WWW-Authenticate", challenge + ", error=\"invalid_token\"");
            refuse(response, 401, "Unauthorized: " + e.getMessage());
            return null;
        }
    }

    /** Scheme and authority the client used (the Host header was checked before). */
    static String baseUri(HttpServletRequest request) {
        String host = request.getHeader("Host");
        return request.getScheme() + "://" + (host != null ? host : request.getServerName() + ":" + request.getServerPort());
    }

    private void post(HttpServletRequest request, HttpServletResponse response, Principal principal) throws IOException {
        if (!accepts(request, "application/json") || !accepts(request, "text/event-stream")) {
            refuse(response, 406, "Not acceptable: the client must accept both application/json and text/event-stream.");
            return;
        }
        String type = request.getContentType();
        if (type == null || !type.toLowerCase(Locale.ROOT).startsWith("application/json")) {
            refuse(response, 415, "Unsupported media type: the body must be application/json.");
            return;
        }
        byte[] body;
        try {
            body = Bodies.readLimited(request.getInputStream(), request.getContentLengthLong(), settings.maxMessageSize().bytes(),
                    "mcp.max_message_size");
        } catch (WebApplicationException e) {
            refuse(response, e.getResponse().getStatus(), e.getMessage());
            return;
        }
        McpSchema.JSONRPCMessage message;
        switch (JsonRpcReader.read(json, new String(body, StandardCharsets.UTF_8))) {
            case JsonRpcInput.Accepted accepted -> message = accepted.message();
            case JsonRpcInput.Refused refused -> {
                // A message that is not JSON-RPC is an HTTP error; a request read but refused gets its JSON-RPC answer.
                writeJson(response, refused.malformed() || refused.notification() ? 400 : 200, refused.answer());
                return;
            }
        }
        if (message instanceof McpSchema.JSONRPCRequest call && McpSchema.METHOD_INITIALIZE.equals(call.method())) {
            initialize(call, response, principal);
            return;
        }
        McpConnection connection = connection(request, response, principal);
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
                    writeJson(response, 200, answer.get());
                } else {
                    stream(call, request, response, principal, connection);
                }
            }
            default -> error(response, 400, McpSchema.ErrorCodes.INVALID_REQUEST, "Invalid request.");
        }
    }

    private void initialize(McpSchema.JSONRPCRequest call, HttpServletResponse response, Principal principal) throws IOException {
        if (sessions.size() >= settings.maxSessions()) {
            refuse(response, 503, "Too many MCP sessions are open (mcp.max_sessions = " + settings.maxSessions() + ").");
            return;
        }
        McpSchema.InitializeRequest init;
        try {
            init = json.convertValue(call.params(), new TypeRef<McpSchema.InitializeRequest>() {
            });
        } catch (IllegalArgumentException e) {
            writeJson(response, 400, McpSchema.JSONRPCResponse.error(call.id(),
                    new McpSchema.JSONRPCResponse.JSONRPCError(McpSchema.ErrorCodes.INVALID_PARAMS, "Invalid params: " + e.getMessage())));
            return;
        }
        if (init == null || init.protocolVersion() == null) {
            writeJson(response, 400, McpSchema.JSONRPCResponse.error(call.id(),
                    new McpSchema.JSONRPCResponse.JSONRPCError(McpSchema.ErrorCodes.INVALID_PARAMS, "Invalid params: protocolVersion is required.")));
            return;
        }
        McpStreamableServerSession.McpStreamableServerSessionInit started = sessionFactory.startSession(init);
        McpConnection connection = new McpConnection(started.session(), principal);
        McpSchema.InitializeResult result;
        try {
            result = started.initResult().contextWrite(context(principal, connection, call.id())).block();
        } catch (McpError e) {
            writeJson(response, 400, McpSchema.JSONRPCResponse.error(call.id(), e.getJsonRpcError()));
            return;
        }
        sessions.put(connection.id(), connection);
        response.setHeader(SESSION_HEADER, connection.id());
        writeJson(response, 200, McpSchema.JSONRPCResponse.result(call.id(), result));
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
        if (!accepts(request, "text/event-stream")) {
            refuse(response, 406, "Not acceptable: the client must accept text/event-stream.");
            return;
        }
        McpConnection connection = connection(request, response, principal);
        if (connection == null) {
            return;
        }
        String lastEventId = request.getHeader("Last-Event-ID");
        if (lastEventId != null) {
            SseStream stream = connection.stream(SseStream.streamOf(lastEventId));
            long after = stream == null ? -1 : stream.sequenceOf(lastEventId);
            if (after < 0) {
                refuse(response, 404, "Not found: event " + Problems.echo(lastEventId) + " is not one of this session's streams (or it was forgotten).");
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
            refuse(response, 409, "Conflict: this session already has a listening stream open.");
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
        McpConnection connection = connection(request, response, principal);
        if (connection == null) {
            return;
        }
        sessions.remove(connection.id(), connection);
        connection.close();
        response.setStatus(200);
    }

    /** The session the request names, checked; null after an error was written. */
    private McpConnection connection(HttpServletRequest request, HttpServletResponse response, Principal principal) throws IOException {
        String id = request.getHeader(SESSION_HEADER);
        if (id == null || id.isBlank()) {
            refuse(response, 400, "Bad request: the Mcp-Session-Id header is required (initialize first).");
            return null;
        }
        McpConnection connection = sessions.get(id);
        if (connection == null || connection.principalId != null && !connection.principalId.equals(principal.id())) {
            // Another principal's session is reported as unknown: session ids are not bearer credentials.
            error(response, 404, SESSION_NOT_FOUND, "Session not found: initialize a new session.");
            return null;
        }
        String version = request.getHeader(VERSION_HEADER);
        if (version != null && !VERSIONS.contains(version)) {
            refuse(response, 400, "Bad request: unsupported MCP-Protocol-Version " + Problems.echo(version) + " (supported: "
                    + String.join(", ", VERSIONS) + ").");
            return null;
        }
        connection.touch();
        return connection;
    }

    private static void cancel(McpConnection connection, Object params) {
        if (params instanceof Map<?, ?> map && connection.calls.cancel(map.get("requestId"))) {
            LOG.debug("MCP session {}: request {} cancelled ({})", connection.id(), map.get("requestId"), map.get("reason"));
        }
    }

    private static Context context(Principal principal, McpConnection connection, Object requestId) {
        return context(principal, connection.calls, requestId);
    }

    /** The Reactor context the SDK passes on to handlers as their transport context. */
    static Context context(Principal principal, Calls calls, Object requestId) {
        Map<String, Object> values = new LinkedHashMap<>();
        if (principal != null) {
            values.put(PRINCIPAL, principal);
        }
        values.put(CALLS, calls);
        if (requestId != null) {
            values.put(REQUEST_ID, requestId);
        }
        return Context.of(McpTransportContext.KEY, McpTransportContext.create(values));
    }

    private void sweep() {
        long limit = settings.sessionIdleTimeout().toNanos();
        long now = System.nanoTime();
        for (McpConnection connection : new ArrayList<>(sessions.values())) {
            if (now - connection.lastActive() > limit && sessions.remove(connection.id(), connection)) {
                LOG.debug("MCP session {} closed after {} idle", connection.id(), settings.sessionIdleTimeout());
                connection.close();
            }
        }
    }

    private boolean hostAllowed(String host) {
        if (host == null || host.isBlank()) {
            return false;
        }
        String name = hostName(host);
        if (LOOPBACK_NAMES.contains(name)) {
            return true;
        }
        for (String allowed : settings.allowedHosts()) {
            if (allowed.equalsIgnoreCase(host) || allowed.equalsIgnoreCase(name)) {
                return true;
            }
        }
        return false;
    }

    private boolean originAllowed(String origin) {
        for (String allowed : settings.allowedOrigins()) {
            if (allowed.equalsIgnoreCase(origin)) {
                return true;
            }
        }
        try {
            URI uri = URI.create(origin);
            return ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null
                    && LOOPBACK_NAMES.contains(uri.getHost().toLowerCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** The host part of a Host header: no port; an IPv6 literal keeps its brackets. */
    private static String hostName(String host) {
        String value = host.strip().toLowerCase(Locale.ROOT);
        if (value.startsWith("[")) {
            int end = value.indexOf(']');
            return end < 0 ? value : value.substring(0, end + 1);
        }
        int colon = value.indexOf(':');
        return colon < 0 ? value : value.substring(0, colon);
    }

    private static boolean accepts(HttpServletRequest request, String type) {
        String accept = request.getHeader("Accept");
        if (accept == null) {
            return false;
        }
        String lower = accept.toLowerCase(Locale.ROOT);
        return lower.contains(type) || lower.contains("*/*");
    }

    private static String newStreamId() {
        byte[] bytes = new byte[9];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    private void writeJson(HttpServletResponse response, int status, Object body) throws IOException {
        byte[] bytes = json.writeValueAsBytes(body);
        response.setStatus(status);
        response.setContentType("application/json");
        response.setContentLength(bytes.length);
        response.getOutputStream().write(bytes);
    }

    /** An HTTP-level refusal with a JSON-RPC error body (id null: the message was not, or not yet, read). */
    private void error(HttpServletResponse response, int status, int code, String message) throws IOException {
        writeJson(response, status, errorMessage(null, code, message));
    }

    /** A request the transport refuses before any JSON-RPC is read: {@link #REFUSED}, and the HTTP status says why. */
    private void refuse(HttpServletResponse response, int status, String message) throws IOException {
        error(response, status, REFUSED, message);
    }

    /**
     * A JSON-RPC error message, with {@code "id": null} when the request's id is unknown (the
     * SDK's response type leaves a null id out, which JSON-RPC does not allow for errors).
     */
    static Map<String, Object> errorMessage(Object id, int code, String message) {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("code", code);
        error.put("message", message);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("jsonrpc", "2.0");
        body.put("id", id);
        body.put("error", error);
        return body;
    }
}
