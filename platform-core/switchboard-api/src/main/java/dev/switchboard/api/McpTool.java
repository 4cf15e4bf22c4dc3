package dev.switchboard.api;

import tools.jackson.databind.JsonNode;

/**
 * An MCP tool a plugin serves as it is, for what a skill cannot express (image or audio content,
 * embedded resources, sampling or elicitation during the call). Prefer a skill
 * ({@link Platform#skill}): it is also served over REST, cached and validated.
 *
 * @since 0.1.0
 */
public interface McpTool {

    /**
     * The tool as MCP's {@code Tool} object: {@code name}, {@code description} and
     * {@code inputSchema} required; {@code title}, {@code outputSchema}, {@code annotations}
     * optional.
     */
    JsonNode definition();

    /**
     * Answers {@code tools/call}: a {@code CallToolResult} object ({@code content}, optionally
     * {@code structuredContent} and {@code isError}). A thrown exception becomes a result with
     * {@code isError: true} and the exception's message.
     *
     * @param arguments the call's arguments, an empty object when the client sent none
     */
    JsonNode call(JsonNode arguments, McpExchange exchange) throws Exception;
}
