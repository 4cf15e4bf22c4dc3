package dev.switchboard.runtime.mcp;

import dev.switchboard.runtime.http.HostEndpoint;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * OAuth 2.0 Protected Resource Metadata (RFC 9728) for {@code /mcp}, at
 * {@code /.well-known/oauth-protected-resource/mcp} (and the host-wide
 * {@code /.well-known/oauth-protected-resource}): what the {@code resource_metadata} of a 401 from
 * {@code /mcp} points MCP clients to.
 */
final class ProtectedResourceMetadata implements HostEndpoint {

    static final String PATH = "/.well-known/oauth-protected-resource";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final List<String> authorizationServers;

    ProtectedResourceMetadata(List<String> authorizationServers) {
        this.authorizationServers = List.copyOf(authorizationServers);
    }

    @Override
    public void serve(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (!"GET".equals(request.getMethod()) && !"HEAD".equals(request.getMethod())) {
            response.setHeader("Allow", "GET, HEAD");
            response.sendError(405);
            return;
        }
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("resource", McpRequestGuard.baseUri(request) + McpHttpTransport.PATH);
        if (!authorizationServers.isEmpty()) {
            metadata.put("authorization_servers", authorizationServers);
        }
        metadata.put("bearer_methods_supported", List.of("header"));
        metadata.put("resource_name", "Switchboard MCP");
        byte[] body = JSON.writeValueAsBytes(metadata);
        response.setStatus(200);
        response.setContentType("application/json");
        response.setHeader("Cache-Control", "max-age=300");
        response.setContentLength(body.length);
        if ("GET".equals(request.getMethod())) {
            response.getOutputStream().write(body);
        }
    }
}
