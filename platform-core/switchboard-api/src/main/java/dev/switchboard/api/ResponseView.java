package dev.switchboard.api;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A response as a gateway filter sees it: what has been set so far, and after
 * {@link GatewayChain#proceed()} returns, what the route (or a later filter) answered. For an
 * event stream, {@code proceed()} returns once the stream is open: status and headers are
 * final, the body goes on. A route that answers asynchronously may not have answered yet; a
 * {@link GatewayExchange#beforeCommit} action sees its answer.
 *
 * @since 0.1.0
 */
public interface ResponseView {

    /** The status code, 200 until someone sets another. */
    int status();

    /** The first value of a response header, if set. */
    Optional<String> header(String name);

    /** Every value of a response header, in order; empty if not set. */
    List<String> headers(String name);

    /** The {@code Content-Type}, if set. */
    Optional<String> contentType();

    /** Whether the status and headers have been sent: after that, setting a header has no effect. */
    boolean committed();

    /**
     * Whether this is an event stream ({@code text/event-stream}): it stays open after
     * {@code proceed()} returns, and the host never compresses or buffers it.
     */
    default boolean eventStream() {
        return contentType().map(type -> type.toLowerCase(Locale.ROOT).startsWith("text/event-stream")).orElse(false);
    }
}
