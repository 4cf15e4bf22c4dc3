package dev.switchboard.runtime.http;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;

/**
 * A core route served by plain servlet code rather than JAX-RS: the hot paths (event streams) and
 * the protocols with their own framing (MCP). The host servlet mounts each at its exact path.
 */
@FunctionalInterface
public interface HostEndpoint {

    void serve(HttpServletRequest request, HttpServletResponse response) throws IOException;

    /**
     * The response the gateway filters answer through on this endpoint, for what its clients need
     * in any answer (MCP clients look for the protected resource metadata in a 401);
     * {@code response} itself by default. The endpoint is served the plain response.
     */
    default HttpServletResponse gatewayResponse(HttpServletRequest request, HttpServletResponse response) {
        return response;
    }
}
