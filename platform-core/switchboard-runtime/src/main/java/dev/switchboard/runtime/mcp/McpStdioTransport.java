package dev.switchboard.runtime.mcp;

import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.TypeRef;
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
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * MCP over stdio (one JSON-RPC message per line on stdin and stdout; logs go to stderr), for
 * desktop clients that start {@code bin/switchboard mcp --stdio} themselves. One session, the
 * local user's: every skill is visible. Like the HTTP transport, and unlike the SDK's stdio
 * transport, it handles {@code notifications/cancelled} (the call is interrupted and its response
 * dropped), answers the skills extension's methods, and runs each request on its own virtual
 * thread so a long call never blocks the next message ({@code initialize} excepted: it runs in
 * line order, so the requests after it find the session it made). {@code initialize} is answered
 * at once; the other requests wait until the skills directory has been read (Python skills take
 * seconds to warm), so that the first {@code tools/list} is complete.
 *
 * <p>When stdin ends, every request already read is still answered: once the skills are read, the
 * calls in flight get up to the drain time to finish, and those that do not are answered with an
 * error; then it returns.
 * A client that pipes its requests and closes stdin gets every answer.
 */
final class McpStdioTransport implements McpServerTransportProvider {

    private static final Logger LOG = LoggerFactory.getLogger(McpStdioTransport.class);

    private final McpJsonMapper json;
    private final HostMethods methods;
    private final Calls calls = new Calls();
    /** Requests read and not answered yet, by {@link Calls#key}: exactly one answer each, whoever writes it first. */
    private final Map<String, Object> unanswered = new ConcurrentHashMap<>();
    private final ExecutorService work = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("mcp-stdio-", 0).factory());
    private volatile McpServerSession.Factory sessionFactory;
    private volatile McpServerSession session;
    private final CompletableFuture<?> catalog;
    private volatile boolean initialized;
    private OutputStream out;

    /** @param catalog completes once the tool lists are complete; requests other than initialize and ping wait for it */
    McpStdioTransport(McpJsonMapper json, HostMethods methods, CompletableFuture<?> catalog) {
        this.json = json;
        this.methods = methods;
        this.catalog = catalog;
    }

    @Override
    public void setSessionFactory(McpServerSession.Factory sessionFactory) {
        this.sessionFactory = sessionFactory;
    }

    /**
     * Serves {@code in} and {@code out} until {@code in} ends (the client went away or is done),
     * then answers what was read within {@code drain}.
     */
    void serve(InputStream in, OutputStream out, Duration drain) throws IOException {
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
            finish(drain);
        }
    }

    private void receive(String line) {
        McpSchema.JSONRPCMessage message;
        switch (JsonRpcReader.read(json, line)) {
            case JsonRpcInput.Accepted accepted -> message = accepted.message();
            case JsonRpcInput.Refused refused -> {
                if (!refused.notification()) {
                    write(refused.answer());
                }
                return;
            }
        }
        switch (message) {
            case McpSchema.JSONRPCNotification notification when "notifications/cancelled".equals(notification.method()) -> {
                if (notification.params() instanceof Map<?, ?> params) {
                    calls.cancel(params.get("requestId"));
                }
            }
            case McpSchema.JSONRPCRequest request when McpSchema.METHOD_INITIALIZE.equals(request.method()) -> {
                unanswered.put(Calls.key(request.id()), request.id());
                handle(request);
            }
            case McpSchema.JSONRPCRequest request -> {
                Calls.Call call = calls.start(request.id(), null);
                unanswered.put(Calls.key(request.id()), request.id());
                work.execute(() -> {
                    try {
                        if (!McpSchema.METHOD_PING.equals(request.method())) {
                            catalog.get();
                        }
                        Optional<McpSchema.JSONRPCResponse> answer = methods.answer(request, null);
                        if (answer.isPresent()) {
                            answer(request.id(), answer.get());
                        } else {
                            handle(request);
                        }
                    } catch (InterruptedException e) {
                        // Stopped at the end of the drain, which answers the request.
                    } catch (ExecutionException e) {
                        answer(request.id(), McpReplies.errorMessage(request.id(), McpSchema.ErrorCodes.INTERNAL_ERROR,
                                "The skills could not be read: " + e.getCause()));
                    } finally {
                        calls.end(request.id(), call);
                    }
                });
            }
            default -> {
                if (message instanceof McpSchema.JSONRPCNotification notification
                        && McpSchema.METHOD_NOTIFICATION_INITIALIZED.equals(notification.method())) {
                    initialized = true;
                }
                try {
                    session.handle(message).contextWrite(TransportContext.of(null, calls, null)).block();
                } catch (RuntimeException e) {
                    LOG.debug("MCP stdio: a message was not handled: {}", e.toString());
                }
            }
        }
    }

    private void handle(McpSchema.JSONRPCRequest request) {
        try {
            session.handle(request).contextWrite(TransportContext.of(null, calls, request.id())).block();
        } catch (RuntimeException e) {
            LOG.warn("MCP stdio: {} failed: {}", request.method(), e.toString());
            answer(request.id(), McpReplies.errorMessage(request.id(), McpSchema.ErrorCodes.INTERNAL_ERROR, "Internal error."));
        }
    }

    /**
     * Stdin ended: the calls read so far finish (within {@code drain}, counted from when the skills
     * were read, as for a client that kept stdin open) or are answered with an error.
     */
    private void finish(Duration drain) {
        work.shutdown();
        try {
            try {
                catalog.get();
            } catch (ExecutionException e) {
                // The requests waiting for it answer that themselves.
            }
            if (!work.awaitTermination(drain.toMillis(), TimeUnit.MILLISECONDS)) {
                String reason = initialized ? "The input ended and the call did not finish within " + drain.toMillis()
                        + " ms (shutdown.timeout)." : "The input ended before notifications/initialized, so the session never started.";
                for (Object id : unanswered.values()) {
                    answer(id, McpReplies.errorMessage(id, McpSchema.ErrorCodes.INTERNAL_ERROR, reason));
                }
                // Answered: what the stopped calls would still send is dropped.
                calls.cancelAll();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            work.shutdownNow();
            session.close();
        }
    }

    /**
     * Writes the answer to the request {@code id}: each request gets one. A response to a
     * cancelled request is dropped (the spec's SHOULD NOT), and so is one that comes after the
     * drain answered the request.
     */
    private void answer(Object id, Object message) {
        if (unanswered.remove(Calls.key(id)) == null) {
            return;
        }
        if (message instanceof McpSchema.JSONRPCResponse && calls.get(id) instanceof Calls.Call call && call.cancelled()) {
            // The call is registered until its response was written: a cancelled one is dropped here.
            return;
        }
        write(message);
    }

    /** One line per message. */
    private void write(Object message) {
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
            return Mono.fromRunnable(() -> {
                if (message instanceof McpSchema.JSONRPCResponse response) {
                    answer(response.id(), response);
                } else {
                    write(message);
                }
            });
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
