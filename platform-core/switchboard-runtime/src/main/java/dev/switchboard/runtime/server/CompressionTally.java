package dev.switchboard.runtime.server;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What compression saved, per encoding: {@code switchboard.compression.in} (the bytes the
 * routes wrote) and {@code switchboard.compression.out} (the bytes sent for them) of the
 * responses the host compressed, and {@code switchboard.compression.responses}, how many. One
 * tally per exchange counts both
 * sides of Jetty's compression handler: {@link #sent} wraps the response below it (toward the
 * client), {@link #written} the one above it (toward the route). A response the route encoded
 * itself (it set {@code Content-Encoding}) is not counted.
 */
final class CompressionTally {

    private static final String ATTRIBUTE = CompressionTally.class.getName();

    /** The counters of one encoding. */
    record Meters(Counter in, Counter out, Counter responses) {
    }

    /** The counters of every encoding, registered on first use. */
    static final class Registry {
        private final MeterRegistry meters;
        private final Map<String, Meters> byEncoding = new ConcurrentHashMap<>();

        Registry(MeterRegistry meters) {
            this.meters = meters;
        }

        Meters of(String encoding) {
            return byEncoding.computeIfAbsent(encoding, name -> new Meters(
                    Counter.builder("switchboard.compression.in").description("Bytes of the responses the host compressed, as the routes wrote them")
                            .baseUnit("bytes").tag("encoding", name).register(meters),
                    Counter.builder("switchboard.compression.out").description("Bytes sent for the responses the host compressed")
                            .baseUnit("bytes").tag("encoding", name).register(meters),
                    Counter.builder("switchboard.compression.responses").description("Responses the host compressed")
                            .tag("encoding", name).register(meters)));
        }
    }

    private final String encoding;
    private final AtomicLong written = new AtomicLong();
    private final AtomicLong sent = new AtomicLong();
    private volatile boolean encodedByTheRoute;
    private volatile boolean firstWrite = true;

    private CompressionTally(String encoding) {
        this.encoding = encoding;
    }

    /**
     * Starts a tally for an exchange that may be compressed with {@code encoding}: the response
     * toward the client, counting, and the callback that records the tally when the exchange
     * completes.
     */
    static Exchange start(Registry registry, String encoding, Request request, Response response, Callback callback) {
        CompressionTally tally = new CompressionTally(encoding);
        request.setAttribute(ATTRIBUTE, tally);
        Response counting = new Response.Wrapper(request, response) {
            @Override
            public void write(boolean last, ByteBuffer content, Callback written) {
                tally.sent.addAndGet(content == null ? 0 : content.remaining());
                super.write(last, content, written);
            }
        };
        Callback recording = new Callback.Nested(callback) {
            @Override
            public void succeeded() {
                tally.record(registry, counting);
                super.succeeded();
            }
        };
        return new Exchange(counting, recording);
    }

    /** The response and callback to hand Jetty's compression handler. */
    record Exchange(Response response, Callback callback) {
    }

    /** The response toward the route, counting what it writes; {@code response} as it is when the exchange has no tally. */
    static Response written(Request request, Response response) {
        if (!(request.getAttribute(ATTRIBUTE) instanceof CompressionTally tally)) {
            return response;
        }
        return new Response.Wrapper(request, response) {
            @Override
            public void write(boolean last, ByteBuffer content, Callback written) {
                if (tally.firstWrite) {
                    tally.firstWrite = false;
                    // Before Jetty's compressing response sees this write: an encoding here is the route's own.
                    tally.encodedByTheRoute = getHeaders().contains(HttpHeader.CONTENT_ENCODING);
                }
                tally.written.addAndGet(content == null ? 0 : content.remaining());
                super.write(last, content, written);
            }
        };
    }

    private void record(Registry registry, Response toClient) {
        long in = written.get();
        if (encodedByTheRoute || in == 0 || !encoding.equalsIgnoreCase(toClient.getHeaders().get(HttpHeader.CONTENT_ENCODING))) {
            return;
        }
        Meters meters = registry.of(encoding);
        meters.in().increment(in);
        meters.out().increment(sent.get());
        meters.responses().increment();
    }
}
