package dev.switchboard.runtime.mcp;

import dev.switchboard.api.McpPrompt;
import dev.switchboard.api.McpResource;
import dev.switchboard.api.McpTool;
import tools.jackson.databind.JsonNode;

import java.util.Objects;

/**
 * An MCP tool, prompt or resource a plugin version contributed, with its definition read once
 * and checked. Lives and dies with the plugin version.
 *
 * @param feature an {@link McpTool}, {@link McpPrompt} or {@link McpResource}
 * @param key     the tool or prompt name, or the resource's uri or uri template
 */
public record PluginMcpFeature(String pluginId, Object feature, JsonNode definition, String key, ClassLoader loader) {

    /**
     * Reads and checks the definition of {@code feature}.
     *
     * @throws IllegalArgumentException saying what is missing
     */
    public static PluginMcpFeature of(String pluginId, Object feature, ClassLoader loader) {
        Objects.requireNonNull(feature, "feature");
        JsonNode definition = switch (feature) {
            case McpTool tool -> tool.definition();
            case McpPrompt prompt -> prompt.definition();
            case McpResource resource -> resource.definition();
            default -> throw new IllegalArgumentException("not an MCP feature: " + feature.getClass().getName());
        };
        String kind = feature instanceof McpTool ? "MCP tool" : feature instanceof McpPrompt ? "MCP prompt" : "MCP resource";
        if (definition == null || !definition.isObject()) {
            throw new IllegalArgumentException(kind + ": the definition must be a JSON object");
        }
        String name = definition.path("name").asString("");
        if (name.isBlank()) {
            throw new IllegalArgumentException(kind + ": the definition needs a name");
        }
        String key = name;
        switch (feature) {
            case McpTool ignored -> {
                requireDescription(kind, name, definition);
                if (!name.matches("[A-Za-z0-9_.-]{1,128}")) {
                    throw new IllegalArgumentException(kind + " '" + name + "': a name is 1 to 128 letters, digits, '_', '-' or '.'");
                }
                if (!"object".equals(definition.path("inputSchema").path("type").asString(""))) {
                    throw new IllegalArgumentException(kind + " '" + name + "': inputSchema must be a JSON Schema of type object");
                }
            }
            case McpPrompt ignored -> requireDescription(kind, name, definition);
            default -> {
                String uri = definition.path("uri").asString("");
                String template = definition.path("uriTemplate").asString("");
                if (uri.isEmpty() == template.isEmpty()) {
                    throw new IllegalArgumentException(kind + " '" + name + "': the definition needs a uri or a uriTemplate (one of them)");
                }
                key = uri.isEmpty() ? template : uri;
                if (key.startsWith("skill://")) {
                    throw new IllegalArgumentException(kind + " '" + name + "': skill:// resources are the host's");
                }
            }
        }
        return new PluginMcpFeature(pluginId, feature, definition.deepCopy(), key, loader);
    }

    private static void requireDescription(String kind, String name, JsonNode definition) {
        if (definition.path("description").asString("").isBlank()) {
            throw new IllegalArgumentException(kind + " '" + name + "': the definition needs a description (clients show it to models)");
        }
    }

    /** True for a resource template ({@code uriTemplate}). */
    boolean template() {
        return feature instanceof McpResource && definition.has("uriTemplate");
    }
}
