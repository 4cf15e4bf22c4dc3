package dev.switchboard.runtime.mcp;

import dev.switchboard.api.Principal;
import dev.switchboard.runtime.config.Settings;
import dev.switchboard.runtime.http.Problems;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The open MCP sessions of the HTTP transport: found by {@code Mcp-Session-Id} (and only by the
 * principal that opened them), bounded by {@code mcp.max_sessions}, closed after
 * {@code mcp.session_idle_timeout} without a request.
 */
final class McpSessions implements AutoCloseable {

    static final String SESSION_HEADER = "Mcp-Session-Id";
    static final String VERSION_HEADER = "MCP-Protocol-Version";

    private static final Logger LOG = LoggerFactory.getLogger(McpSessions.class);

    private final Settings.McpSettings settings;
    private final McpReplies replies;
    private final List<String> versions;
    private final Map<String, McpConnection> sessions = new ConcurrentHashMap<>();
    private final ScheduledExecutorService sweeper = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("mcp-session-sweeper").factory());

    McpSessions(Settings.McpSettings settings, McpReplies replies, List<String> versions) {
        this.settings = settings;
        this.replies = replies;
        this.versions = versions;
        long period = Math.max(1_000, Math.min(60_000, settings.sessionIdleTimeout().toMillis() / 4));
        sweeper.scheduleWithFixedDelay(this::sweep, period, period, TimeUnit.MILLISECONDS);
    }

    /** The sessions open now. */
    int open() {
        return sessions.size();
    }

    /** Whether another session may open. */
    boolean full() {
        return sessions.size() >= settings.maxSessions();
    }

    void opened(McpConnection connection) {
        sessions.put(connection.id(), connection);
    }

    void closed(McpConnection connection) {
        sessions.remove(connection.id(), connection);
        connection.close();
    }

    /** The session the request names, checked; null after an error was written. */
    McpConnection of(HttpServletRequest request, HttpServletResponse response, Principal principal) throws IOException {
        String id = request.getHeader(SESSION_HEADER);
        if (id == null || id.isBlank()) {
            replies.refuse(response, 400, "Bad request: the Mcp-Session-Id header is required (initialize first).");
            return null;
        }
        McpConnection connection = sessions.get(id);
        if (connection == null || connection.principalId != null && !connection.principalId.equals(principal.id())) {
            // Another principal's session is reported as unknown: session ids are not bearer credentials.
            replies.error(response, 404, McpReplies.SESSION_NOT_FOUND, "Session not found: initialize a new session.");
            return null;
        }
        String version = request.getHeader(VERSION_HEADER);
        if (version != null && !versions.contains(version)) {
            replies.refuse(response, 400, "Bad request: unsupported MCP-Protocol-Version " + Problems.echo(version) + " (supported: "
                    + String.join(", ", versions) + ").");
            return null;
        }
        connection.touch();
        return connection;
    }

    /** Sends a notification on the listening stream of every session. */
    void broadcast(String method, Object params) {
        sessions.values().forEach(connection -> notify(connection, method, params));
    }

    /** Sends a notification on the listening stream of one session, if it is open. */
    void notifySession(String sessionId, String method, Object params) {
        McpConnection connection = sessions.get(sessionId);
        if (connection != null) {
            notify(connection, method, params);
        }
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

    /** Ends every listening stream (their clients reconnect elsewhere); the sessions stay for calls in flight. */
    void endListening() {
        for (McpConnection connection : sessions.values()) {
            SseStream listening = connection.listening();
            if (listening != null) {
                listening.close();
            }
        }
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

    @Override
    public void close() {
        sweeper.shutdownNow();
        sessions.values().forEach(McpConnection::close);
        sessions.clear();
    }
}
