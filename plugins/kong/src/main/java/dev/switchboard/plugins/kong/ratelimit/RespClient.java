package dev.switchboard.plugins.kong.ratelimit;

import dev.switchboard.plugins.kong.policy.RateLimitConf;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import javax.net.ssl.SSLSocketFactory;

/**
 * A small Redis client speaking RESP2 over a pool of connections: enough for the rate-limit
 * counters (EVALSHA / EVAL) and the health check (PING). A connection that fails is dropped, never
 * returned to the pool; every call has the configured timeout for connecting and for the reply.
 */
final class RespClient implements AutoCloseable {

    /** An error reply from Redis ({@code -ERR ...}, {@code -NOSCRIPT ...}). */
    static final class RedisError extends IOException {
        private static final long serialVersionUID = 1L;

        RedisError(String message) {
            super(message);
        }
    }

    private static final int POOL = 32;

    private final RateLimitConf.Redis settings;
    private final BlockingQueue<Connection> idle = new ArrayBlockingQueue<>(POOL);
    /** At most {@link #POOL} connections in use at once; a caller beyond waits for one, up to the timeout. */
    private final java.util.concurrent.Semaphore permits = new java.util.concurrent.Semaphore(POOL);
    private volatile boolean closed;

    RespClient(RateLimitConf.Redis settings) {
        this.settings = settings;
    }

    /** Sends one command and returns its reply: a String, a Long, a List, or null. */
    Object call(String... command) throws IOException {
        if (closed) {
            throw new IOException("the Redis client is closed");
        }
        try {
            if (!permits.tryAcquire(settings.timeoutMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
                throw new IOException("all " + POOL + " connections to " + settings + " are busy");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for a Redis connection", e);
        }
        try {
            Connection connection = idle.poll();
            if (connection == null) {
                connection = open();
            }
            try {
                Object reply = connection.call(command);
                release(connection);
                return reply;
            } catch (RedisError e) {
                // The connection itself is fine after an error reply.
                release(connection);
                throw e;
            } catch (IOException | RuntimeException e) {
                connection.close();
                throw e;
            }
        } finally {
            permits.release();
        }
    }

    /** Back to the pool, unless the client was closed meanwhile (checked again after the offer). */
    private void release(Connection connection) {
        if (closed || !idle.offer(connection)) {
            connection.close();
        } else if (closed && idle.remove(connection)) {
            connection.close();
        }
    }

    private Connection open() throws IOException {
        Socket socket = new Socket();
        try {
            socket.connect(new InetSocketAddress(settings.host(), settings.port()), settings.timeoutMillis());
            if (settings.ssl()) {
                socket = tls(socket);
            }
            socket.setSoTimeout(settings.timeoutMillis());
            socket.setTcpNoDelay(true);
            Connection connection = new Connection(socket);
            if (settings.password() != null && !settings.password().isEmpty()) {
                if (settings.username() != null && !settings.username().isEmpty()) {
                    connection.call("AUTH", settings.username(), settings.password());
                } else {
                    connection.call("AUTH", settings.password());
                }
            }
            if (settings.database() != 0) {
                connection.call("SELECT", Integer.toString(settings.database()));
            }
            return connection;
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    /**
     * TLS over the connected socket, as Kong's {@code ssl}, {@code ssl_verify} and
     * {@code server_name} say: with {@code ssl_verify} the certificate must chain to the JVM's trust
     * store and name {@code server_name} (or the host); without it (Kong's default) it is not checked.
     */
    private Socket tls(Socket plain) throws IOException {
        javax.net.ssl.SSLSocketFactory factory;
        if (settings.sslVerify()) {
            factory = (javax.net.ssl.SSLSocketFactory) SSLSocketFactory.getDefault();
        } else {
            try {
                javax.net.ssl.SSLContext context = javax.net.ssl.SSLContext.getInstance("TLS");
                context.init(null, new javax.net.ssl.TrustManager[] {new TrustAll()}, null);
                factory = context.getSocketFactory();
            } catch (java.security.GeneralSecurityException e) {
                throw new IOException("TLS is not available: " + e, e);
            }
        }
        String name = settings.serverName() != null ? settings.serverName() : settings.host();
        javax.net.ssl.SSLSocket tls = (javax.net.ssl.SSLSocket) factory.createSocket(plain, name, settings.port(), true);
        javax.net.ssl.SSLParameters parameters = tls.getSSLParameters();
        if (settings.sslVerify()) {
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
        }
        if (!name.matches("[0-9.]+|.*:.*")) {
            parameters.setServerNames(java.util.List.of(new javax.net.ssl.SNIHostName(name)));
        }
        tls.setSSLParameters(parameters);
        tls.startHandshake();
        return tls;
    }

    /** {@code ssl_verify: false}: Kong's default, kept for parity, and logged when the policy loads. */
    private static final class TrustAll implements javax.net.ssl.X509TrustManager {
        @Override
        public void checkClientTrusted(java.security.cert.X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(java.security.cert.X509Certificate[] chain, String authType) {
        }

        @Override
        public java.security.cert.X509Certificate[] getAcceptedIssuers() {
            return new java.security.cert.X509Certificate[0];
        }
    }

    @Override
    public void close() {
        closed = true;
        Connection connection;
        while ((connection = idle.poll()) != null) {
            connection.close();
        }
    }

    private static final class Connection {
        private final Socket socket;
        private final InputStream in;
        private final OutputStream out;

        Connection(Socket socket) throws IOException {
            this.socket = socket;
            this.in = new BufferedInputStream(socket.getInputStream());
            this.out = new BufferedOutputStream(socket.getOutputStream());
        }

        Object call(String... command) throws IOException {
            out.write(('*' + Integer.toString(command.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            for (String part : command) {
                byte[] bytes = part.getBytes(StandardCharsets.UTF_8);
                out.write(('$' + Integer.toString(bytes.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(bytes);
                out.write('\r');
                out.write('\n');
            }
            out.flush();
            return read();
        }

        private Object read() throws IOException {
            int type = in.read();
            String line = line();
            return switch (type) {
                case '+' -> line;
                case '-' -> throw new RedisError(line);
                case ':' -> Long.parseLong(line);
                case '$' -> {
                    int length = Integer.parseInt(line);
                    if (length < 0) {
                        yield null;
                    }
                    byte[] bytes = in.readNBytes(length + 2);
                    if (bytes.length != length + 2) {
                        throw new EOFException("Redis closed the connection");
                    }
                    yield new String(bytes, 0, length, StandardCharsets.UTF_8);
                }
                case '*' -> {
                    int count = Integer.parseInt(line);
                    if (count < 0) {
                        yield null;
                    }
                    List<Object> items = new ArrayList<>(count);
                    for (int i = 0; i < count; i++) {
                        items.add(read());
                    }
                    yield items;
                }
                case -1 -> throw new EOFException("Redis closed the connection");
                default -> throw new IOException("not a RESP reply (type byte " + type + ")");
            };
        }

        private String line() throws IOException {
            StringBuilder line = new StringBuilder();
            int c;
            while ((c = in.read()) != '\r') {
                if (c == -1) {
                    throw new EOFException("Redis closed the connection");
                }
                line.append((char) c);
            }
            if (in.read() != '\n') {
                throw new IOException("not a RESP line ending");
            }
            return line.toString();
        }

        void close() {
            try {
                socket.close();
            } catch (IOException e) {
                // Already gone.
            }
        }
    }
}
