package dev.switchboard.runtime.mcp;

import dev.switchboard.runtime.http.ClientJson;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.spec.McpSchema;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads one JSON-RPC message from a client (a POST body, a stdio line) and checks it as JSON-RPC
 * 2.0 and MCP require before the SDK sees it: the SDK's own reader takes {@code "jsonrpc": "1.0"},
 * keeps the last of two equal keys, and fails deep inside a handler on {@code "params": "hello"},
 * leaving the request without an answer. Both transports read through here.
 */
final class JsonRpcReader {

    private static final JsonMapper STRICT = ClientJson.mapper();

    private JsonRpcReader() {
    }

    /** Reads {@code text}; {@code json} is the SDK's mapper, which makes the message types. */
    static JsonRpcInput read(McpJsonMapper json, String text) {
        JsonNode tree;
        try {
            tree = STRICT.readTree(text);
        } catch (JacksonException e) {
            return new JsonRpcInput.Refused(null, McpSchema.ErrorCodes.PARSE_ERROR, "Parse error: " + e.getOriginalMessage(), false);
        }
        if (tree == null || tree.isMissingNode()) {
            return new JsonRpcInput.Refused(null, McpSchema.ErrorCodes.PARSE_ERROR, "Parse error: the message is empty.", false);
        }
        if (tree.isArray()) {
            return new JsonRpcInput.Refused(null, McpSchema.ErrorCodes.INVALID_REQUEST, "Invalid request: JSON-RPC batches are not supported.", false);
        }
        if (!tree.isObject()) {
            return new JsonRpcInput.Refused(null, McpSchema.ErrorCodes.INVALID_REQUEST, "Invalid request: a JSON-RPC message is a JSON object.", false);
        }
        JsonNode idNode = tree.get("id");
        boolean validId = idNode == null || idNode.isString() || idNode.isIntegralNumber();
        Object id = validId && idNode != null ? (idNode.isString() ? idNode.stringValue() : idNode.numberValue()) : null;
        JsonNode method = tree.get("method");
        boolean notification = method != null && idNode == null;
        JsonNode version = tree.get("jsonrpc");
        if (version == null || !version.isString() || !"2.0".equals(version.stringValue())) {
            return new JsonRpcInput.Refused(id, McpSchema.ErrorCodes.INVALID_REQUEST, "Invalid request: \"jsonrpc\" must be \"2.0\".", notification);
        }
        if (!validId) {
            return new JsonRpcInput.Refused(null, McpSchema.ErrorCodes.INVALID_REQUEST,
                    "Invalid request: \"id\" must be a string or an integer.", false);
        }
        if (method != null) {
            if (!method.isString() || method.stringValue().isEmpty()) {
                return new JsonRpcInput.Refused(id, McpSchema.ErrorCodes.INVALID_REQUEST, "Invalid request: \"method\" must be a non-empty string.",
                        notification);
            }
            JsonNode params = tree.get("params");
            if (params != null && !params.isObject()) {
                return new JsonRpcInput.Refused(id, McpSchema.ErrorCodes.INVALID_PARAMS, "Invalid params: the params of " + method.stringValue()
                        + " must be an object, not " + kind(params) + ".", notification);
            }
            return new JsonRpcInput.Accepted(notification ? json.convertValue(tree, McpSchema.JSONRPCNotification.class)
                    : json.convertValue(tree, McpSchema.JSONRPCRequest.class));
        }
        if (idNode != null && (tree.has("result") || tree.has("error"))) {
            return new JsonRpcInput.Accepted(json.convertValue(tree, McpSchema.JSONRPCResponse.class));
        }
        return new JsonRpcInput.Refused(id, McpSchema.ErrorCodes.INVALID_REQUEST,
                "Invalid request: a message has a \"method\" (a request or notification), or an \"id\" with a \"result\" or \"error\".",
                false);
    }

    /** What a JSON value is, for a message: "a string", "an array". */
    private static String kind(JsonNode node) {
        return switch (node.getNodeType()) {
            case ARRAY -> "an array";
            case STRING -> "a string";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            case NULL -> "null";
            default -> "a " + node.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
        };
    }
}
