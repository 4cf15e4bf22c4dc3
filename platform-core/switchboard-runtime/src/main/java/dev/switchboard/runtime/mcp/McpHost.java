package dev.switchboard.runtime.mcp;

import dev.switchboard.api.Principal;
import dev.switchboard.runtime.config.Settings;
import dev.switchboard.runtime.http.ClientJson;
import dev.switchboard.runtime.http.HostEndpoint;
import dev.switchboard.runtime.skills.SkillRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import io.modelcontextprotocol.json.jackson3.JacksonMcpJsonMapper;
import io.modelcontextprotocol.server.McpAsyncServer;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.spec.McpSchema;
import reactor.core.publisher.Mono;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * Switchboard's MCP server: the SDK's protocol engine on Switchboard's own Streamable HTTP
 * transport ({@link McpHttpTransport}), serving the skill registry and the plugins' MCP tools,
 * prompts and resources ({@link McpCatalog}).
 */
public final class McpHost implements AutoCloseable {

    /** How long a server-to-client request (sampling, elicitation) waits for the client's answer. */
    private static final Duration CLIENT_REQUEST_TIMEOUT = Duration.ofMinutes(5);

    private final JacksonMcpJsonMapper json;
    private final String version;
    private final McpHttpTransport transport;
    private final McpAsyncServer server;
    private final McpCatalog tools;
    private final ProtectedResourceMetadata metadata;

    public McpHost(Settings.McpSettings settings, SkillRegistry skills, String version, MeterRegistry meters) {
        // Duplicate keys refused, as in every JSON a client sends (ClientJson).
        this.json = new JacksonMcpJsonMapper(ClientJson.mapper());
        this.version = version;
        this.tools = new McpCatalog(skills, new PluginFeatures(json));
        this.transport = new McpHttpTransport(settings, json, tools.methods(), meters);
        this.metadata = new ProtectedResourceMetadata(settings.authorizationServers());
        this.server = server(McpServer.async(transport));
        tools.attach(server);
    }

    /** The SDK server on {@code transport}: Switchboard's identity and capabilities, tools filtered per caller. */
    private McpAsyncServer server(McpServer.AsyncSpecification<?> transport) {
        return transport
                .serverInfo(McpSchema.Implementation.builder("switchboard", version).title("Switchboard").build())
                .capabilities(McpSchema.ServerCapabilities.builder()
                        .tools(true)
                        .resources(true, true)
                        .prompts(true)
                        .completions()
                        .logging()
                        .extensions(Map.of(SkillsExtension.EXTENSION, Map.of()))
                        .build())
                .instructions("Switchboard serves its skills as tools. Each tool's SKILL.md is the resource skill://<tool>/SKILL.md.")
                .jsonMapper(json)
                .validateToolInputs(false)
                .requestTimeout(CLIENT_REQUEST_TIMEOUT)
                .addToolFilter((context, tool) -> Mono.just(tools.visible(tool.name(),
                        (Principal) context.get(TransportContext.PRINCIPAL))))
                .build();
    }

    /**
     * Serves MCP over stdio, one session for the local user, until {@code in} ends (the client
     * went away or sent all it had); the requests read by then are answered within {@code drain}.
     * Runs beside {@code /mcp}; the same skills and plugin features. {@code initialize} is answered
     * at once; the other requests wait until {@code skillsRead} completes and the lists have every
     * skill, so a desktop client's first {@code tools/list} is complete.
     */
    public void serveStdio(InputStream in, OutputStream out, Duration drain, CompletableFuture<?> skillsRead) throws IOException {
        McpStdioTransport stdio = new McpStdioTransport(json, tools.methods(), skillsRead.thenCompose(read -> tools.synced()));
        McpAsyncServer stdioServer = server(McpServer.async(stdio));
        try {
            // A desktop client lists the tools right after initialize: they must be there.
            tools.attach(stdioServer).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        } catch (ExecutionException e) {
            throw new IllegalStateException("publishing the tools for stdio failed", e.getCause());
        }
        try {
            stdio.serve(in, out, drain);
        } finally {
            tools.detach(stdioServer);
            stdioServer.close();
        }
    }

    /** Takes the MCP tools, prompts and resources of the live plugins (after every generation change). */
    public void pluginFeatures(List<PluginMcpFeature> live) {
        tools.plugins(live);
    }

    /** The routes to mount: {@code /mcp} and the protected resource metadata. */
    public Map<String, HostEndpoint> endpoints() {
        Map<String, HostEndpoint> endpoints = new LinkedHashMap<>();
        endpoints.put(McpHttpTransport.PATH, transport);
        endpoints.put(ProtectedResourceMetadata.PATH, metadata);
        endpoints.put(ProtectedResourceMetadata.PATH + McpHttpTransport.PATH, metadata);
        return endpoints;
    }

    /** Shutdown begins: no new MCP requests, listening streams end; calls in flight go on. */
    public void shutdown() {
        transport.shutdown();
    }

    @Override
    public void close() {
        tools.close();
        server.close();
        transport.close();
    }
}
