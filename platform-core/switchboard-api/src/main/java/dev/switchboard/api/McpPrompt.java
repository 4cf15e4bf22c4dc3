package dev.switchboard.api;

import tools.jackson.databind.JsonNode;

import java.util.List;
import java.util.Map;

/**
 * An MCP prompt a plugin serves.
 *
 * @since 0.1.0
 */
public interface McpPrompt {

    /** The prompt as MCP's {@code Prompt} object: {@code name} and {@code description}; {@code title}, {@code arguments} optional. */
    JsonNode definition();

    /** Answers {@code prompts/get}: a {@code GetPromptResult} object ({@code messages}, optionally {@code description}). */
    JsonNode get(Map<String, String> arguments, McpExchange exchange) throws Exception;

    /** Answers {@code completion/complete} for one of this prompt's arguments: suggested values (at most 100 are sent). */
    default List<String> complete(String argument, String value) {
        return List.of();
    }
}
