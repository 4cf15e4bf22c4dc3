package dev.switchboard.plugins.mcpconformance;

import dev.switchboard.api.McpExchange;
import dev.switchboard.api.McpResource;
import tools.jackson.databind.JsonNode;

import java.util.List;
import java.util.Map;

import static dev.switchboard.plugins.mcpconformance.ConformanceFixtures.JSON;
import static dev.switchboard.plugins.mcpconformance.ConformanceFixtures.PNG;

/** The suite's resources: static text, static binary, a watched one, and a template. */
final class Resources {

    private Resources() {
    }

    /** A resource from its definition and its contents (one text or blob entry). */
    private record Fixed(JsonNode definition, String mimeType, String text, String blob) implements McpResource {

        @Override
        public JsonNode read(String uri, McpExchange exchange) {
            Map<String, Object> contents = blob != null
                    ? Map.of("uri", uri, "mimeType", mimeType, "blob", blob)
                    : Map.of("uri", uri, "mimeType", mimeType, "text", text);
            return JSON.valueToTree(Map.of("contents", List.of(contents)));
        }
    }

    private static JsonNode definition(String uri, String name, String description, String mimeType) {
        return JSON.valueToTree(Map.of("uri", uri, "name", name, "description", description, "mimeType", mimeType));
    }

    static List<McpResource> all() {
        return List.of(
                new Fixed(definition("test://static-text", "static-text", "A static text resource", "text/plain"), "text/plain",
                        "This is the content of the static text resource.", null),
                new Fixed(definition("test://static-binary", "static-binary", "A static binary resource", "image/png"), "image/png",
                        null, PNG),
                new Fixed(definition("test://watched-resource", "watched-resource", "A resource to subscribe to", "text/plain"),
                        "text/plain", "Watched resource content.", null),
                new Template());
    }

    /** {@code test://template/{id}/data}, with completion for {@code id}. */
    private static final class Template implements McpResource {

        @Override
        public JsonNode definition() {
            return JSON.valueToTree(Map.of("uriTemplate", "test://template/{id}/data", "name", "template",
                    "description", "Data for an id", "mimeType", "application/json"));
        }

        @Override
        public JsonNode read(String uri, McpExchange exchange) {
            String id = uri.substring("test://template/".length(), uri.length() - "/data".length());
            String text = JSON.writeValueAsString(Map.of("id", id, "templateTest", true, "data", "Data for ID: " + id));
            return JSON.valueToTree(Map.of("contents", List.of(Map.of("uri", uri, "mimeType", "application/json", "text", text))));
        }

        @Override
        public List<String> complete(String argument, String value) {
            return List.of("123", "456").stream().filter(id -> id.startsWith(value)).toList();
        }
    }
}
