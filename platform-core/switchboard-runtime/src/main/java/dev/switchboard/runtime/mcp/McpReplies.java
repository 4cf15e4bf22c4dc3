package dev.switchboard.runtime.mcp;

import io.modelcontextprotocol.json.McpJsonMapper;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/** How the HTTP transport writes its answers: JSON bodies, and JSON-RPC errors for every refusal. */
final class McpReplies {

    /** JSON-RPC's implementation-defined server error, for a request refused at the HTTP level (the status says why). */
    static final int REFUSED = -32000;
    /** What MCP's reference SDKs answer for an unknown session, so that clients start a new one. */
    static final int SESSION_NOT_FOUND = -32001;

    private final McpJsonMapper json;

    McpReplies(McpJsonMapper json) {
        this.json = json;
    }

    void writeJson(HttpServletResponse response, int status, Object body) throws IOException {
        byte[] bytes = json.writeValueAsBytes(body);
        response.setStatus(status);
        response.setContentType("application/json");
        response.setContentLength(bytes.length);
        response.getOutputStream().write(bytes);
    }

    /** An HTTP-level refusal with a JSON-RPC error body (id null: the message was not, or not yet, read). */
    void error(HttpServletResponse response, int status, int code, String message) throws IOException {
        writeJson(response, status, errorMessage(null, code, message));
    }

    /** A request the transport refuses before any JSON-RPC is read: {@link #REFUSED}, and the HTTP status says why. */
    void refuse(HttpServletResponse response, int status, String message) throws IOException {
        error(response, status, REFUSED, message);
    }

    /**
     * A JSON-RPC error message, with {@code "id": null} when the request's id is unknown (the
     * SDK's response type leaves a null id out, which JSON-RPC does not allow for errors).
     */
    static Map<String, Object> errorMessage(Object id, int code, String message) {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("code", code);
        error.put("message", message);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("jsonrpc", "2.0");
        body.put("id", id);
        body.put("error", error);
        return body;
    }
}
