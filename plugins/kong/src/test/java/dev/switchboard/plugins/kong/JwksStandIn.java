package dev.switchboard.plugins.kong;

import com.sun.net.httpserver.HttpServer;
import io.jsonwebtoken.security.Jwks;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/** An identity provider's JWKS endpoint (RFC 7517 key set at {@code /jwks.json}), whose keys a test sets and rotates. */
final class JwksStandIn implements AutoCloseable {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final HttpServer server;
    private final List<Map<String, ?>> keys = new ArrayList<>();
    private final AtomicInteger fetches = new AtomicInteger();
    private volatile boolean failing;

    JwksStandIn() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/jwks.json", exchange -> {
            fetches.incrementAndGet();
            if (failing) {
                exchange.sendResponseHeaders(503, -1);
                exchange.close();
                return;
            }
            byte[] body;
            synchronized (keys) {
                body = JSON.writeValueAsString(Map.of("keys", keys)).getBytes(StandardCharsets.UTF_8);
            }
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
    }

    /** Publishes {@code key} under {@code kid}, for {@code algorithm}. */
    void add(String kid, String algorithm, PublicKey key) {
        synchronized (keys) {
            keys.add(Jwks.builder().key(key).id(kid).algorithm(algorithm).build());
        }
    }

    /** Answers 503 from now on (or again the keys). */
    void failing(boolean fail) {
        failing = fail;
    }

    int fetches() {
        return fetches.get();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/jwks.json";
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
