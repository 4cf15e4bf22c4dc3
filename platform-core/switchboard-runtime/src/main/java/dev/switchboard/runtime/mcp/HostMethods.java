package dev.switchboard.runtime.mcp;

import dev.switchboard.api.Principal;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;

import java.util.Map;
import java.util.Optional;

/**
 * The requests Switchboard answers itself, before the SDK sees them, for both transports: the SDK
 * has no hook for custom methods (the skills extension, {@code resources/list} filtered per
 * caller, completions), and it answers a {@code tools/call} of an unknown tool with the literal
 * message "Unknown tool: invalid_tool_name", so such a call is refused here with the name it gave.
 */
final class HostMethods {

    /** A method answered here: its result object; throw {@link McpError} for a JSON-RPC error. */
    @FunctionalInterface
    interface Method {
        Object handle(Map<String, Object> params, Principal caller);
    }

    /** A check before the SDK runs a method: throw {@link McpError} to refuse the request. */
    @FunctionalInterface
    interface Check {
        void check(Map<String, Object> params, Principal caller);
    }

    private final Map<String, Method> answered;
    private final Map<String, Check> checked;

    HostMethods(Map<String, Method> answered, Map<String, Check> checked) {
        this.answered = Map.copyOf(answered);
        this.checked = Map.copyOf(checked);
    }

    /** The answer to {@code request} when it is answered (or refused) here; empty when the SDK handles it. */
    Optional<McpSchema.JSONRPCResponse> answer(McpSchema.JSONRPCRequest request, Principal caller) {
        Method method = answered.get(request.method());
        Check check = checked.get(request.method());
        if (method == null && check == null) {
            return Optional.empty();
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> params = request.params() instanceof Map<?, ?> map ? (Map<String, Object>) map : Map.of();
        try {
            if (method == null) {
                check.check(params, caller);
                return Optional.empty();
            }
            return Optional.of(McpSchema.JSONRPCResponse.result(request.id(), method.handle(params, caller)));
        } catch (McpError e) {
            return Optional.of(McpSchema.JSONRPCResponse.error(request.id(), e.getJsonRpcError()));
        }
    }
}
