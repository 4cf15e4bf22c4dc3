package dev.switchboard.bench;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Publishes at a fixed rate over a few kept-alive HTTP/1.1 connections, one blocking thread each,
 * with requests written and responses read by hand. The JDK's HttpClient added tens of
 * milliseconds of its own at p99 in this process (it shares two cores with the stream reader),
 * which would have been charged to the server.
 */
final class RawPublisher {

    /** What to send for the n-th event. */
    interface Requests {
        /** The request line target (path) and JSON body of event {@code n}, stamped with {@code nanoTime}. */
        String[] request(long n, long nanoTime);
    }

    private final InetSocketAddress address;
    private final int connections;

    RawPublisher(InetSocketAddress address, int connections) {
        this.address = address;
        this.connections = connections;
    }

    /**
     * Sends {@code rate} events per second for {@code seconds}; connection k sends events k, k+c, ...
     * Records each response time in microseconds in {@code times} (when not null); counts non-2xx and I/O failures.
     */
    long run(int rate, int seconds, Requests requests, long[] times, AtomicLong failed) throws InterruptedException {
        long total = (long) rate * seconds;
        long start = System.nanoTime() + 1_000_000;
        List<Thread> threads = new ArrayList<>();
        for (int k = 0; k < connections; k++) {
            int first = k;
            threads.add(Thread.ofPlatform().name("publisher-" + k).start(() -> {
                Socket socket = null;
                InputStream in = null;
                try {
                    for (long n = first; n < total; n += connections) {
                        long due = start + n * 1_000_000_000L / rate;
                        long wait = due - System.nanoTime();
                        if (wait > 0) {
                            LockSupport.parkNanos(wait);
                        }
                        try {
                            if (socket == null) {
                                socket = new Socket();
                                socket.setTcpNoDelay(true);
                                socket.connect(address);
                                in = new BufferedInputStream(socket.getInputStream());
                            }
                            long sent = System.nanoTime();
                            String[] request = requests.request(n, sent);
                            int status = exchange(socket, in, request[0], request[1]);
                            if (status < 0) {
                                // The server announced it closes the connection after this answer.
                                status = -status;
                                closeQuietly(socket);
                                socket = null;
                            }
                            if (times != null) {
                                times[(int) n] = (System.nanoTime() - sent) / 1000;
                            }
                            if (status < 200 || status >= 300) {
                                failed.incrementAndGet();
                            }
                        } catch (IOException e) {
                            failed.incrementAndGet();
                            closeQuietly(socket);
                            socket = null;
                        }
                    }
                } finally {
                    closeQuietly(socket);
                }
            }));
        }
        for (Thread thread : threads) {
            thread.join();
        }
        return total;
    }

    /** Sends one request and reads its answer: the status, negative when the server closes the connection after it. */
    private int exchange(Socket socket, InputStream in, String path, String body) throws IOException {
        byte[] content = body.getBytes(StandardCharsets.UTF_8);
        String head = "POST " + path + " HTTP/1.1\r\nHost: " + address.getHostString() + ":" + address.getPort()
                + "\r\nContent-Type: application/json\r\nContent-Length: " + content.length + "\r\n\r\n";
        OutputStream out = socket.getOutputStream();
        out.write(head.getBytes(StandardCharsets.US_ASCII));
        out.write(content);
        out.flush();
        String status = line(in);
        long length = -1;
        boolean chunked = false;
        boolean close = false;
        String header;
        while (!(header = line(in)).isEmpty()) {
            String lower = header.toLowerCase();
            if (lower.startsWith("content-length:")) {
                length = Long.parseLong(header.substring(15).strip());
            } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                chunked = true;
            } else if (lower.startsWith("connection:") && lower.contains("close")) {
                close = true;
            }
        }
        if (chunked) {
            long size;
            while ((size = Long.parseLong(line(in).split(";")[0].strip(), 16)) > 0) {
                in.skipNBytes(size);
                line(in);
            }
            line(in);
        } else if (length > 0) {
            in.skipNBytes(length);
        }
        String[] parts = status.split(" ");
        int code = parts.length > 1 ? Integer.parseInt(parts[1]) : 0;
        return close ? -code : code;
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        int b;
        while ((b = in.read()) != '\n') {
            if (b < 0) {
                throw new IOException("connection closed");
            }
            if (b != '\r') {
                line.append((char) b);
            }
        }
        return line.toString();
    }

    private static void closeQuietly(Socket socket) {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException e) {
                // Closing anyway.
            }
        }
    }
}
