package dev.switchboard.runtime.mcp;

import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.TypeRef;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpServerSession;
import io.modelcontextprotocol.spec.McpServerTransport;
import io.modelcontextprotocol.spec.McpServerTransportProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * MCP over stdio (one JSON-RPC message per line on stdin and stdout; logs go to stderr), for
 * desktop clients that start {@code bin/switchboard mcp --stdio} themselves. One session, the
 * local user's: every skill is visible. Like the HTTP transport, and unlike the SDK's stdio
 * transport, it handles {@code notifications/cancelled} (the call is interrupted and its response
 * dropped), answers the skills extension's methods, and runs each request on its own virtual
 * thread so a long call never blocks the next message.
 */
final class McpStdioTransport implements McpServerTransportProvider {

    private static final Logger LOG = LoggerFactory.getLogger(McpStdioTransport.class);

    private final McpJsonMapper json;
    private final Map<String, McpHttpTransport.CustomMethod> customMethods;
    private final Calls calls = new Calls();
    private final ExecutorService work = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("mcp-stdio-", 0).factory());
    private volatile McpServerSession.Factory sessionFactory;
    private volatile McpServerSession session;
    private OutputStream out;

    McpStdioTransport(McpJsonMapper json, Map<String, McpHttpTransport.CustomMethod> customMethods) {
        this.json = json;
        this.customMethods = Map.copyOf(customMethods);
    }

    @Override
    public void setSessionFactory(McpServerSession.Factory sessionFactory) {
        this.sessionFactory = sessionFactory;
    }

    /** Serves {@code in} and {@code out} until {@code in} ends (the client went away). */
    void serve(InputStream in, OutputStream out) throws IOException {
        this.out = out;
        session = sessionFactory.create(new Transport());
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                if (!line.isBlank()) {
                    receive(line);
                }
            }
        } finally {
            calls.cancelAll();
            work.shutdownNow();
            session.close();
        }
    }

    private void receive(String line) {
        McpSchema.JSONRPCMessage message;
        try {
            message = McpSchema.deserializeJsonRpcMessage(json, line);
        } catch (IOException | IllegalArgumentException e) {
            write(McpHttpTransport.errorMessage(null, McpSchema.ErrorCodes.PARSE_ERROR, "Parse error: the line is not a JSON-RPC message."));
            return;
        }
        switch (message) {
            case McpSchema.JSONRPCNotification notification when "notifications/cancelled".equals(notification.method()) -> {
                if (notification.params() instanceof Map<?, ?> params) {
                    calls.cancel(params.get("requestId"));
                }
            }
            case McpSchema.JSONRPCRequest request when customMethods.containsKey(request.method()) -> work.execute(() -> custom(request));
            case McpSchema.JSONRPCRequest request -> {
                Calls.Call call = calls.start(request.id(), null);
                work.execute(() -> {
                    try {
                        session.handle(request).contextWrite(McpHttpTransport.context(null, calls, request.id())).block();
                    } catch (RuntimeException e) {
                        LOG.warn("MCP stdio: {} failed: {}", request.method(), e.toString());
                    } finally {
                        calls.end(request.id(), call);
                    }
                });
            }
            default -> {
                try {
                    session.handle(message).contextWrite(McpHttpTransport.context(null, calls, null)).block();
                } catch (RuntimeException e) {
                    LOG.debug("MCP stdio: a message was not handled: {}", e.toString());
                }
            }
        }
    }

    private void custom(McpSchema.JSONRPCRequest request) {
        @SuppressWarnings("unchecked")
        Map<String, Object> params = request.params() instanceof Map<?, ?> map ? (Map<String, Object>) map : Map.of();
        try {
            write(McpSchema.JSONRPCResponse.result(request.id(), customMethods.get(request.method()).handle(params, null)));
        } catch (McpError e) {
            write(McpSchema.JSONRPCResponse.error(request.id(), e.getJsonRpcError()));
        }
    }

    /** One line per message; a response to a cancelled request is dropped (the spec's SHOULD NOT). */
    private void write(Object message) {
        if (message instanceof McpSchema.JSONRPCResponse response && calls.get(response.id()) instanceof Calls.Call call
                && call.cancelled()) {
            // The call is registered until its response was written: a cancelled one is dropped here.
            return;
        }
        try {
            byte[] line = (json.writeValueAsString(message) + "\n").getBytes(StandardCharsets.UTF_8);
            synchronized (this) {
                out.write(line);
                out.flush();
            }
        } catch (IOException e) {
            LOG.debug("MCP stdio: the client is gone ({})", e.toString());
        }
    }

    @Override
    public Mono<Void> notifyClients(String method, Object params) {
        McpServerSession current = session;
        return current == null ? Mono.empty() : current.sendNotification(method, params).onErrorResume(e -> Mono.empty());
    }

    @Override
    public Mono<Void> closeGracefully() {
        return Mono.fromRunnable(work::shutdownNow);
    }

    /** What the SDK's session writes through. */
    private final class Transport implements McpServerTransport {

        @Override
        public Mono<Void> sendMessage(McpSchema.JSONRPCMessage message) {
            return Mono.fromRunnable(() -> write(message));
        }

        @Override
        public <T> T unmarshalFrom(Object data, TypeRef<T> typeRef) {
            return json.convertValue(data, typeRef);
        }

        @Override
        public Mono<Void> closeGracefully() {
            return Mono.empty();
        }
    }
}
