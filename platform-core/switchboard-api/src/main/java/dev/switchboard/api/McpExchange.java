package dev.switchboard.api;

import tools.jackson.databind.JsonNode;

import java.time.Duration;

/**
 * What an MCP tool, prompt or resource a plugin contributes can do while it answers one request:
 * see who asks, report progress, log to the client, ask the client (sampling, elicitation, roots),
 * and end the response stream early. Safe to use from the handler's thread only.
 *
 * @since 0.1.0
 */
public interface McpExchange {

    /** Who sent the request. */
    Principal caller();

    /**
     * Sends {@code notifications/progress} when the request carried a progress token (otherwise
     * nothing): {@code progress} grows with each call; {@code total} may be null when unknown.
     */
    void progress(double progress, Double total, String message);

    /**
     * Sends {@code notifications/message} at {@code level} ({@code debug}, {@code info},
     * {@code notice}, {@code warning}, {@code error}, {@code critical}, {@code alert},
     * {@code emergency}) when the client's {@code logging/setLevel} lets it through.
     */
    void log(String level, String message);

    /**
     * Sends a request to the client on this request's stream and waits for its answer:
     * {@code sampling/createMessage}, {@code elicitation/create} or {@code roots/list}, with
     * {@code params} as MCP defines them; returns the client's result.
     *
     * @throws IllegalArgumentException for another method, or params MCP does not allow
     * @throws IllegalStateException    when the client lacks the capability, answers with an error,
     *                                  or does not answer within {@code timeout}
     */
    JsonNode request(String method, JsonNode params, Duration timeout);

    /**
     * Ends the current connection of this request's response stream now, without ending the
     * request (SEP-1699 polling): the client reconnects with {@code Last-Event-ID} and gets what
     * follows, the response included.
     */
    void closeStream();

    /** True once the client cancelled the request: stop as soon as you can. */
    boolean cancelled();
}
