package dev.switchboard.runtime.mcp;

import dev.switchboard.api.Principal;
import io.modelcontextprotocol.common.McpTransportContext;
import reactor.util.context.Context;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What both transports hand the SDK's handlers with each message, as their transport context:
 * the caller, the session's calls in flight (for cancellation and progress), the request id.
 */
final class TransportContext {

    static final String PRINCIPAL = "switchboard.principal";
    static final String CALLS = "switchboard.calls";
    static final String REQUEST_ID = "switchboard.requestId";

    private TransportContext() {
    }

    /** The Reactor context the SDK passes on to handlers as their transport context. */
    static Context of(Principal principal, Calls calls, Object requestId) {
        Map<String, Object> values = new LinkedHashMap<>();
        if (principal != null) {
            values.put(PRINCIPAL, principal);
        }
        values.put(CALLS, calls);
        if (requestId != null) {
            values.put(REQUEST_ID, requestId);
        }
        return Context.of(McpTransportContext.KEY, McpTransportContext.create(values));
    }
}
