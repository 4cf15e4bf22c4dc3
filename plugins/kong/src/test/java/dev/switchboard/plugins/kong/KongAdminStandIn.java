package dev.switchboard.plugins.kong;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * A stand-in for a real Kong's Admin API, written from its documented contract (Kong 3.9,
 * {@code GET /status}): the node's connection counters and whether its database is reachable.
 */
final class KongAdminStandIn implements AutoCloseable {

    private final HttpServer server;
    private volatile boolean databaseReachable = true;

    KongAdminStandIn() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/status", exchange -> {
            byte[] body = ("""
                    {"memory":{"workers_lua_vms":[{"http_allocated_gc":"43.99 MiB","pid":18477}],
                      "lua_shared_dicts":{"kong":{"allocated_slabs":"12.00 KiB","capacity":"5.00 MiB"}}},
                     "server":{"connections_active":3,"connections_reading":0,"connections_writing":1,"connections_waiting":2,
                      "connections_accepted":417,"connections_handled":417,"total_requests":1034},
                     "database":{"reachable":%s}}""").formatted(databaseReachable).getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    void databaseReachable(boolean reachable) {
        databaseReachable = reachable;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
