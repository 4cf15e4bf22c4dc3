package dev.switchboard.api;

import tools.jackson.databind.JsonNode;

import java.util.List;

/**
 * An MCP resource a plugin serves: one resource (its definition has a {@code uri}) or a family of
 * them (its definition has a {@code uriTemplate}, RFC 6570 level 1, e.g. {@code test://items/{id}}).
 *
 * @since 0.1.0
 */
public interface McpResource {

    /**
     * MCP's {@code Resource} object ({@code uri}, {@code name}, optionally {@code title},
     * {@code description}, {@code mimeType}, {@code size}) or {@code ResourceTemplate} object
     * ({@code uriTemplate} instead of {@code uri}).
     */
    JsonNode definition();

    /** Answers {@code resources/read} for {@code uri}: a {@code ReadResourceResult} object ({@code contents}). */
    JsonNode read(String uri, McpExchange exchange) throws Exception;

    /** Answers {@code completion/complete} for a variable of this resource's template: suggested values. */
    default List<String> complete(String argument, String value) {
        return List.of();
    }
}
