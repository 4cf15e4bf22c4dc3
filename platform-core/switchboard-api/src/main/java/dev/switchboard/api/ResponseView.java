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
     * The template of the route that answers: a plugin's JAX-RS path with its parameters
     * ({@code /api/mastery/calculate/{studentId}}, never the student's id), or the path of the
     * host's route ({@code /api/events/stream}, {@code /mcp}, {@code /api/skills/{name}/invoke}).
     * Known once a route has matched, so after {@link GatewayChain#proceed()} returns and in
     * {@link GatewayExchange#beforeCommit} and {@link GatewayExchange#afterCompletion} actions;
     * empty before, and when no route matched (a 404, a 405, a filter's own answer). The way to
     * name a request in metrics without one series per id.
     *
     * @since 0.1.0
     */
    Optional<String> route();

    /**
     * Whether this is an event stream ({@code text/event-stream}): it stays open after
     * {@code proceed()} returns, and the host never compresses or buffers it.
     */
    default boolean eventStream() {
        return contentType().map(type -> type.toLowerCase(Locale.ROOT).startsWith("text/event-stream")).orElse(false);
    }
}
