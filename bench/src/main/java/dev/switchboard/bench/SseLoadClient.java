package dev.switchboard.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Holds thousands of SSE streams open from one thread, with plain NIO: so the load client costs
 * as little CPU as possible on a machine it shares with the server. It speaks just enough HTTP/1.1
 * (status line, headers, chunked or close-delimited bodies) and SSE (lines) to find each event's
 * {@code data:} line and read the publisher's {@code "t":<nanoTime>} in it: the publish-to-receive
 * latency is measured on one clock, since the publisher runs in this process.
 */
final class SseLoadClient implements AutoCloseable {

    private final Selector selector = Selector.open();
    private final List<Connection> connections = new ArrayList<>();
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicInteger refused = new AtomicInteger();
    private final AtomicInteger closed = new AtomicInteger();
    private final AtomicLong events = new AtomicLong();
    private final ConcurrentLinkedQueue<Connection> pending = new ConcurrentLinkedQueue<>();
    private final Thread loop;
    private volatile String lastRefusal = "";
    private volatile boolean recording;
    private volatile boolean running = true;
    /** Latencies in microseconds; written by the loop thread only. */
    private long[] samples = new long[1 << 20];
    private int sampleCount;

    SseLoadClient() throws IOException {
        loop = Thread.ofPlatform().name("sse-load-client").daemon().start(this::run);
    }

    /** Opens {@code count} streams, the i-th on {@code paths.get(i % paths.size())}, pausing every 200 for the server to answer. */
    void connect(InetSocketAddress address, List<String> paths, String extraHeaders, int count) throws IOException, InterruptedException {
        for (int i = 0; i < count; i++) {
            String request = "GET " + paths.get(i % paths.size()) + " HTTP/1.1\r\nHost: " + address.getHostString() + ":" + address.getPort()
                    + "\r\nAccept: text/event-stream\r\n" + extraHeaders + "\r\n";
            SocketChannel channel = SocketChannel.open();
            channel.configureBlocking(true);
            channel.connect(address);
            channel.write(ByteBuffer.wrap(request.getBytes(StandardCharsets.US_ASCII)));
            channel.configureBlocking(false);
            Connection connection = new Connection(channel);
            synchronized (connections) {
                connections.add(connection);
            }
            pending.add(connection);
            selector.wakeup();
            if (i % 200 == 199) {
                // Let the server accept and answer before piling on more.
                awaitOpen(i + 1 - 100, 30_000);
            }
        }
    }

    /** Waits until {@code count} streams answered 200 and sent their first bytes. */
    boolean awaitOpen(int count, long timeoutMillis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (open.get() < count && System.currentTimeMillis() < deadline) {
            if (refused.get() > 0) {
                throw new IllegalStateException(refused.get() + " stream(s) refused; last status line: " + lastRefusal);
            }
            Thread.sleep(5);
        }
        return open.get() >= count;
    }

    void record(boolean on) {
        recording = on;
    }

    int open() {
        return open.get();
    }

    int closed() {
        return closed.get();
    }

    long events() {
        return events.get();
    }

    /** The latencies recorded so far, in microseconds (call when the loop is quiet). */
    synchronized long[] takeSamples() {
        long[] taken = Arrays.copyOf(samples, sampleCount);
        sampleCount = 0;
        return taken;
    }

    private void run() {
        ByteBuffer buffer = ByteBuffer.allocateDirect(256 * 1024);
        byte[] bytes = new byte[256 * 1024];
        try {
            while (running) {
                Connection fresh;
                while ((fresh = pending.poll()) != null) {
                    fresh.channel.register(selector, SelectionKey.OP_READ, fresh);
                }
                selector.select(100);
                Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
                while (keys.hasNext()) {
                    SelectionKey key = keys.next();
                    keys.remove();
                    Connection connection = (Connection) key.attachment();
                    buffer.clear();
                    int read;
                    try {
                        read = connection.channel.read(buffer);
                    } catch (IOException e) {
                        read = -1;
                    }
                    if (read < 0) {
                        key.cancel();
                        connection.channel.close();
                        if (connection.state != State.STATUS) {
                            closed.incrementAndGet();
                        }
                        continue;
                    }
                    buffer.flip();
                    buffer.get(bytes, 0, read);
                    synchronized (this) {
                        connection.feed(bytes, read);
                    }
                }
            }
        } catch (IOException e) {
            throw new RuntimeException(e);
        }
    }

    private void sample(long micros) {
        if (sampleCount == samples.length) {
            samples = Arrays.copyOf(samples, samples.length * 2);
        }
        samples[sampleCount++] = micros;
    }

    @Override
    public void close() throws IOException {
        running = false;
        selector.wakeup();
        try {
            loop.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (connections) {
            for (Connection connection : connections) {
                connection.channel.close();
            }
        }
        selector.close();
    }

    private enum State { STATUS, HEADERS, BODY }

    /** One stream: an HTTP/1.1 response parser feeding an SSE line scanner. */
    private final class Connection {
        final SocketChannel channel;
        State state = State.STATUS;
        boolean chunked;
        // Chunked decoding: bytes left in the current chunk; -1 while reading a size line.
        long chunkLeft = -1;
        boolean skipCrlf;
        final StringBuilder sizeLine = new StringBuilder();
        final byte[] line = new byte[8192];
        int lineLength;

        Connection(SocketChannel channel) {
            this.channel = channel;
        }

        void feed(byte[] bytes, int length) {
            int i = 0;
            while (i < length) {
                if (state != State.BODY) {
                    byte b = bytes[i++];
                    headerByte(b);
                    continue;
                }
                if (!chunked) {
                    bodyByte(bytes[i++]);
                    continue;
                }
                if (chunkLeft > 0) {
                    int n = (int) Math.min(chunkLeft, length - i);
                    for (int k = 0; k < n; k++) {
                        bodyByte(bytes[i + k]);
                    }
                    i += n;
                    chunkLeft -= n;
                    if (chunkLeft == 0) {
                        skipCrlf = true;
                        chunkLeft = -1;
                    }
                    continue;
                }
                byte b = bytes[i++];
                if (skipCrlf) {
                    if (b == '\n') {
                        skipCrlf = false;
                    }
                    continue;
                }
                if (b == '\n') {
                    String hex = sizeLine.toString().strip();
                    int semicolon = hex.indexOf(';');
                    chunkLeft = Long.parseLong(semicolon < 0 ? hex : hex.substring(0, semicolon), 16);
                    sizeLine.setLength(0);
                    if (chunkLeft == 0) {
                        chunkLeft = -1;
                    }
                } else if (b != '\r') {
                    sizeLine.append((char) b);
                }
            }
        }

        private void headerByte(byte b) {
            if (b == '\n') {
                String text = new String(line, 0, lineLength, StandardCharsets.ISO_8859_1).strip();
                lineLength = 0;
                if (state == State.STATUS) {
                    if (!text.startsWith("HTTP/1.1 200")) {
                        lastRefusal = text;
                        refused.incrementAndGet();
                    }
                    state = State.HEADERS;
                } else if (text.isEmpty()) {
                    state = State.BODY;
                    open.incrementAndGet();
                } else if (text.regionMatches(true, 0, "Transfer-Encoding:", 0, 18) && text.toLowerCase().contains("chunked")) {
                    chunked = true;
                }
            } else if (lineLength < line.length) {
                line[lineLength++] = b;
            }
        }

        private void bodyByte(byte b) {
            if (b != '\n') {
                if (lineLength < line.length) {
                    line[lineLength++] = b;
                }
                return;
            }
            if (lineLength > 5 && line[0] == 'd' && line[1] == 'a' && line[2] == 't' && line[3] == 'a' && line[4] == ':') {
                long t = timestamp();
                if (t > 0) {
                    events.incrementAndGet();
                    if (recording) {
                        sample((System.nanoTime() - t) / 1000);
                    }
                }
            }
            lineLength = 0;
        }

        /** The value of the first {@code "t":} in the line, or -1. */
        private long timestamp() {
            for (int i = 0; i + 4 < lineLength; i++) {
                if (line[i] == '"' && line[i + 1] == 't' && line[i + 2] == '"' && line[i + 3] == ':') {
                    long value = 0;
                    int j = i + 4;
                    while (j < lineLength && line[j] >= '0' && line[j] <= '9') {
                        value = value * 10 + (line[j] - '0');
                        j++;
                    }
                    return j > i + 4 ? value : -1;
                }
            }
            return -1;
        }
    }
}
