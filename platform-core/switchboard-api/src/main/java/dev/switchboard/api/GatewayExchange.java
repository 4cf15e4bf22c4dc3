package dev.switchboard.api;

import java.util.Optional;

/**
 * One HTTP request as a gateway filter sees it, and the means to answer it or decorate the answer.
 *
 * @since 0.1.0
 */
public interface GatewayExchange extends RequestView {

    /**
     * Who the request comes from, established by the {@link Authenticator authenticators} the
     * first time it is asked for; empty for an anonymous request.
     *
     * @throws AuthenticationException when the request carries an invalid credential
     */
    Optional<Principal> principal();

    /**
     * Establishes who the request comes from, for the rest of the chain, the route and the core
     * (event isolation, job ownership, skill and MCP tool visibility): a filter that verified a
     * credential itself calls this instead of contributing an {@link Authenticator}. The
     * authenticators are then not consulted for this request, and an authentication failure
     * they reported earlier is forgotten.
     *
     * @since 0.1.0
     */
    void authenticate(Principal principal);

    /**
     * Sets a request header as later filters and the route will see it (replacing any value the
     * client sent), e.g. an identity header for the resource.
     */
    void setRequestHeader(String name, String value);

    /** Removes a request header, so that later filters and the route do not see what the client sent. */
    void removeRequestHeader(String name);

    /**
     * The request body, read now (at most {@code maxBytes} of it) and kept, so that later filters
     * and the route still read the whole body. Empty when the body is longer than
     * {@code maxBytes}: what was read is kept for the route too, which reads on from there.
     *
     * @throws java.io.IOException when the client's body cannot be read (it went away, or exceeds
     *                             the host's {@code limits.max_request_body})
     * @since 0.1.0
     */
    Optional<byte[]> body(int maxBytes) throws java.io.IOException;

    /** A value attached to this request by an earlier filter; JAX-RS resources see it as a request property. */
    Optional<Object> attribute(String name);

    /** Attaches a value to this request for later filters and the route. */
    void setAttribute(String name, Object value);

    /**
     * Sets a response header (replacing earlier values); it is sent whoever answers, except when
     * the request fails with a 500 (the error response starts afresh).
     */
    void setResponseHeader(String name, String value);

    /** Adds a response header value; sent like {@link #setResponseHeader}. */
    void addResponseHeader(String name, String value);

    /**
     * The response as it stands; after {@link GatewayChain#proceed()} returns, what the route
     * answered (its status, its headers), for per-status metrics or logging. A route that answers
     * asynchronously (a JAX-RS resource with a suspended {@code AsyncResponse}) has not answered
     * yet when {@code proceed()} returns: read the status in a {@link #beforeCommit} action, which
     * runs when the answer goes out, whoever gives it.
     *
     * @since 0.1.0
     */
    ResponseView response();

    /**
     * Runs {@code action} once, just before the status and headers are sent, on the thread that
     * sends them: the last moment to add a header that depends on the answer or on how long it
     * took ({@code Server-Timing}). The action may read {@link #response()} and call
     * {@link #setResponseHeader} and {@link #addResponseHeader}; it runs with this plugin's class
     * loader as context loader, and an exception it throws is logged while the response goes out
     * unchanged. Actions run in the order they were added. For an event stream this is when the
     * stream opens.
     *
     * @throws IllegalStateException when the response is already committed (register before
     *                               {@code proceed()})
     * @since 0.1.0
     */
    void beforeCommit(Runnable action);

    /**
     * Runs {@code action} once, when the exchange is over: the route is done with the response
     * (it returned, or its asynchronous answer went out, or its event stream ended, the client
     * gone or the server closing it), or the request failed. For timing a request
     * to its end, since {@link GatewayChain#proceed()} returns before an asynchronous answer or an
     * event stream is done. The action may read {@link #response()} (its status is final) and
     * change nothing; it runs on a server thread, with this plugin's class loader as context
     * loader, so it must be quick; an exception it throws is logged. Actions run in the order
     * they were added.
     *
     * @since 0.1.0
     */
    void afterCompletion(Runnable action);

    /**
     * The named parts of this request's time (the host's {@code gateway}, a skill call's,
     * a route's own), for a {@code Server-Timing} header in a {@link #beforeCommit} action.
     *
     * @since 0.1.0
     */
    RequestTimings timings();

    /**
     * Answers the request now with the given status, content type and body; the route is not
     * called. Call it instead of {@link GatewayChain#proceed()}, not after.
     */
    void respond(int status, String contentType, String body);

    /**
     * Answers the request now with an RFC 9457 {@code application/problem+json} body built from
     * the status, its standard title and {@code detail}.
     */
    void respondProblem(int status, String detail);

    /** Whether a filter has already answered this request. */
    boolean responded();
}
