package dev.switchboard.plugins.mcpconformance;

import dev.switchboard.api.McpExchange;
import dev.switchboard.api.McpPrompt;
import dev.switchboard.api.McpResource;
import dev.switchboard.api.McpTool;
import dev.switchboard.api.Platform;
import dev.switchboard.api.SwitchboardPlugin;
import org.pf4j.Extension;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The fixtures of the official MCP conformance suite ({@code @modelcontextprotocol/conformance}),
 * with the names, arguments and answers its scenarios expect, as a plugin on the public API. For
 * the tests only: the distribution never ships it.
 */
@Extension
public final class ConformanceFixtures implements SwitchboardPlugin {

    static final JsonMapper JSON = JsonMapper.builder().build();
    /** A 1x1 PNG. */
    static final String PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==";
    /** A tiny WAV file. */
    static final String WAV = "UklGRiYAAABXQVZFZm10IBAAAAABAAEAQB8AAAB9AAACABAAZGF0YQIAAAA=";
    static final String NO_ARGUMENTS = "{\"type\":\"object\",\"properties\":{}}";
    static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(30);

    /** A tool from its definition (JSON text) and what a call does. */
    record Tool(JsonNode definition, Handler handler) implements McpTool {
        interface Handler {
            JsonNode call(JsonNode arguments, McpExchange exchange) throws Exception;
        }

        Tool(String name, String description, String inputSchema, Handler handler) {
            this(JSON.readTree("{\"name\":" + JSON.writeValueAsString(name) + ",\"description\":" + JSON.writeValueAsString(description)
                    + ",\"inputSchema\":" + inputSchema + "}"), handler);
        }

        @Override
        public JsonNode call(JsonNode arguments, McpExchange exchange) throws Exception {
            return handler.call(arguments, exchange);
        }
    }

    @Override
    public void start(Platform platform) {
        for (McpTool tool : tools()) {
            platform.mcpTool(tool);
        }
        for (McpResource resource : Resources.all()) {
            platform.mcpResource(resource);
        }
        for (McpPrompt prompt : Prompts.all()) {
            platform.mcpPrompt(prompt);
        }
    }

    static JsonNode json(String text) {
        return JSON.readTree(text);
    }

    static JsonNode text(String text) {
        return JSON.valueToTree(Map.of("content", List.of(Map.of("type", "text", "text", text))));
    }

    static List<McpTool> tools() {
        return List.of(
                new Tool("test_simple_text", "Returns a simple text response", NO_ARGUMENTS,
                        (arguments, exchange) -> text("This is a simple text response for testing.")),
                new Tool("test_image_content", "Returns an image", NO_ARGUMENTS, (arguments, exchange) -> json(
                        "{\"content\":[{\"type\":\"image\",\"data\":\"" + PNG + "\",\"mimeType\":\"image/png\"}]}")),
                new Tool("test_audio_content", "Returns audio", NO_ARGUMENTS, (arguments, exchange) -> json(
                        "{\"content\":[{\"type\":\"audio\",\"data\":\"" + WAV + "\",\"mimeType\":\"audio/wav\"}]}")),
                new Tool("test_embedded_resource", "Returns an embedded resource", NO_ARGUMENTS, (arguments, exchange) -> json("""
                        {"content":[{"type":"resource","resource":{"uri":"test://embedded-resource","mimeType":"text/plain",
                        "text":"This is an embedded resource content."}}]}""")),
                new Tool("test_multiple_content_types", "Returns text, an image and a resource", NO_ARGUMENTS,
                        (arguments, exchange) -> json("""
                                {"content":[{"type":"text","text":"Multiple content types test:"},
                                {"type":"image","data":"%s","mimeType":"image/png"},
                                {"type":"resource","resource":{"uri":"test://mixed-content-resource","mimeType":"application/json",
                                "text":"{\\"test\\":\\"data\\",\\"value\\":123}"}}]}""".formatted(PNG))),
                new Tool("test_tool_with_logging", "Logs three lines while it runs", NO_ARGUMENTS, (arguments, exchange) -> {
                    exchange.log("info", "Tool execution started");
                    Thread.sleep(50);
                    exchange.log("info", "Tool processing data");
                    Thread.sleep(50);
                    exchange.log("info", "Tool execution completed");
                    return text("Tool with logging executed successfully");
                }),
                new Tool("test_tool_with_progress", "Reports progress three times", NO_ARGUMENTS, (arguments, exchange) -> {
                    for (int step = 0; step <= 100; step += 50) {
                        exchange.progress(step, 100.0, "Completed step " + step + " of 100");
                        Thread.sleep(50);
                    }
                    return text("Progress reported");
                }),
                new Tool("test_error_handling", "Always fails", NO_ARGUMENTS, (arguments, exchange) -> json(
                        "{\"isError\":true,\"content\":[{\"type\":\"text\",\"text\":\"This tool intentionally returns an error for testing\"}]}")),
                new Tool("test_sampling", "Asks the client's model",
                        "{\"type\":\"object\",\"properties\":{\"prompt\":{\"type\":\"string\"}},\"required\":[\"prompt\"]}",
                        (arguments, exchange) -> {
                            JsonNode params = JSON.valueToTree(Map.of("messages", List.of(Map.of("role", "user", "content",
                                    Map.of("type", "text", "text", arguments.path("prompt").asString()))), "maxTokens", 100));
                            JsonNode answer = exchange.request("sampling/createMessage", params, CLIENT_TIMEOUT);
                            return text("LLM response: " + answer.path("content").path("text").asString());
                        }),
                new Tool("test_elicitation", "Asks the user",
                        "{\"type\":\"object\",\"properties\":{\"message\":{\"type\":\"string\"}},\"required\":[\"message\"]}",
                        (arguments, exchange) -> elicit(exchange, arguments.path("message").asString(), """
                                {"type":"object","properties":{
                                "username":{"type":"string","description":"User's response"},
                                "email":{"type":"string","description":"User's email address"}},
                                "required":["username","email"]}""")),
                new Tool("test_elicitation_sep1034_defaults", "Asks the user, with defaults", NO_ARGUMENTS,
                        (arguments, exchange) -> elicit(exchange, "Please review and update the form fields with defaults", """
                                {"type":"object","properties":{
                                "name":{"type":"string","description":"User name","default":"John Doe"},
                                "age":{"type":"integer","description":"User age","default":30},
                                "score":{"type":"number","description":"User score","default":95.5},
                                "status":{"type":"string","description":"User status","enum":["active","inactive","pending"],"default":"active"},
                                "verified":{"type":"boolean","description":"Verification status","default":true}},
                                "required":[]}""")),
                new Tool("test_elicitation_sep1330_enums", "Asks the user to choose", NO_ARGUMENTS,
                        (arguments, exchange) -> elicit(exchange, "Please select options", """
                                {"type":"object","properties":{
                                "untitledSingle":{"type":"string","description":"Select one option","enum":["option1","option2","option3"]},
                                "titledSingle":{"type":"string","description":"Select one option with titles","oneOf":[
                                  {"const":"value1","title":"First Option"},{"const":"value2","title":"Second Option"},
                                  {"const":"value3","title":"Third Option"}]},
                                "legacyEnum":{"type":"string","description":"Select one option (legacy)","enum":["opt1","opt2","opt3"],
                                  "enumNames":["Option One","Option Two","Option Three"]},
                                "untitledMulti":{"type":"array","description":"Select multiple options","minItems":1,"maxItems":3,
                                  "items":{"type":"string","enum":["option1","option2","option3"]}},
                                "titledMulti":{"type":"array","description":"Select multiple options with titles","minItems":1,"maxItems":3,
                                  "items":{"anyOf":[{"const":"value1","title":"First Choice"},{"const":"value2","title":"Second Choice"},
                                  {"const":"value3","title":"Third Choice"}]}}},
                                "required":[]}""")),
                new Tool("test_reconnection", "Closes its response stream mid-call; the client resumes with Last-Event-ID", NO_ARGUMENTS,
                        (arguments, exchange) -> {
                            exchange.closeStream();
                            Thread.sleep(100);
                            return text("Reconnection test completed successfully. If you received this, the client properly "
                                    + "reconnected after stream closure.");
                        }),
                new Tool(json("""
                        {"name":"json_schema_2020_12_tool","description":"Tool with JSON Schema 2020-12 features","inputSchema":
                        {"$schema":"https://json-schema.org/draft/2020-12/schema","type":"object",
                         "$defs":{"address":{"$anchor":"addressDef","type":"object","properties":{"street":{"type":"string"},"city":{"type":"string"}}}},
                         "properties":{"name":{"type":"string"},"address":{"$ref":"#/$defs/address"},
                           "contactMethod":{"type":"string","enum":["phone","email"]},"phone":{"type":"string"},"email":{"type":"string"}},
                         "allOf":[{"anyOf":[{"required":["phone"]},{"required":["email"]}]}],
                         "if":{"properties":{"contactMethod":{"const":"phone"}},"required":["contactMethod"]},
                         "then":{"required":["phone"]},"else":{"required":["email"]},
                         "additionalProperties":false}}"""),
                        (arguments, exchange) -> text("Received: " + arguments)));
    }

    private static JsonNode elicit(McpExchange exchange, String message, String schema) {
        JsonNode params = JSON.valueToTree(Map.of("message", message, "requestedSchema", json(schema)));
        JsonNode answer = exchange.request("elicitation/create", params, CLIENT_TIMEOUT);
        return text("Elicitation completed: action=" + answer.path("action").asString() + ", content=" + answer.path("content"));
    }
}
