package dev.switchboard.runtime.mcp;

import io.modelcontextprotocol.spec.McpSchema;

import java.util.Map;

/** One JSON-RPC message from a client, as {@link JsonRpcReader} found it. */
sealed interface JsonRpcInput {

    /** A well-formed message, for the SDK. */
    record Accepted(McpSchema.JSONRPCMessage message) implements JsonRpcInput {
    }

    /**
     * A message refused with a JSON-RPC error.
     *
     * @param id           the request's id, or null when it has none or it could not be read
     * @param notification true when the message was a notification, which JSON-RPC never answers
     */
    record Refused(Object id, int code, String message, boolean notification) implements JsonRpcInput {

        /** A message that is not JSON-RPC at all (HTTP 400); else a request the server read but will not run (HTTP 200). */
        boolean malformed() {
            return code == McpSchema.ErrorCodes.PARSE_ERROR || code == McpSchema.ErrorCodes.INVALID_REQUEST;
        }

        /** The JSON-RPC error message answering it. */
        Map<String, Object> answer() {
            return McpReplies.errorMessage(id, code, message);
        }
    }
}
