package dev.switchboard.plugins.mcpconformance;

import dev.switchboard.api.McpExchange;
import dev.switchboard.api.McpPrompt;
import tools.jackson.databind.JsonNode;

import java.util.List;
import java.util.Map;
import java.util.function.Function;

import static dev.switchboard.plugins.mcpconformance.ConformanceFixtures.JSON;
import static dev.switchboard.plugins.mcpconformance.ConformanceFixtures.PNG;

/** The suite's prompts: simple, with arguments (and their completion), with an embedded resource, with an image. */
final class Prompts {

    private Prompts() {
    }

    private record Fixed(JsonNode definition, Function<Map<String, String>, List<Object>> messages) implements McpPrompt {

        @Override
        public JsonNode get(Map<String, String> arguments, McpExchange exchange) {
            return JSON.valueToTree(Map.of("messages", messages.apply(arguments)));
        }

        @Override
        public List<String> complete(String argument, String value) {
            return List.of("test", "testing", "tested").stream().filter(v -> v.startsWith(value)).toList();
        }
    }

    private static JsonNode definition(String name, String description, List<Map<String, Object>> arguments) {
        return JSON.valueToTree(Map.of("name", name, "description", description, "arguments", arguments));
    }

    private static Map<String, Object> argument(String name, String description) {
        return Map.of("name", name, "description", description, "required", true);
    }

    private static Map<String, Object> user(Map<String, Object> content) {
        return Map.of("role", "user", "content", content);
    }

    private static Map<String, Object> text(String text) {
        return user(Map.of("type", "text", "text", text));
    }

    static List<McpPrompt> all() {
        return List.of(
                new Fixed(definition("test_simple_prompt", "A simple prompt without arguments", List.of()),
                        arguments -> List.of(text("This is a simple prompt for testing."))),
                new Fixed(definition("test_prompt_with_arguments", "A prompt with two required arguments",
                        List.of(argument("arg1", "First argument"), argument("arg2", "Second argument"))),
                        arguments -> List.of(text("Prompt with arguments: arg1='" + arguments.get("arg1") + "', arg2='"
                                + arguments.get("arg2") + "'"))),
                new Fixed(definition("test_prompt_with_embedded_resource", "A prompt with an embedded resource",
                        List.of(argument("resourceUri", "URI of the resource to embed"))),
                        arguments -> List.of(
                                user(Map.of("type", "resource", "resource", Map.of("uri", arguments.getOrDefault("resourceUri",
                                        "test://example-resource"), "mimeType", "text/plain", "text", "Embedded resource content for testing."))),
                                text("Please process the embedded resource above."))),
                new Fixed(definition("test_prompt_with_image", "A prompt with an image", List.of()),
                        arguments -> List.of(user(Map.of("type", "image", "data", PNG, "mimeType", "image/png")),
                                text("Please analyze the image above."))));
    }
}
