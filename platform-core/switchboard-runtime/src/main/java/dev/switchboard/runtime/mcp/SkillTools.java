package dev.switchboard.runtime.mcp;

import dev.switchboard.api.Principal;
import dev.switchboard.api.SkillContext;
import dev.switchboard.api.SkillException;
import dev.switchboard.api.SkillResult;
import dev.switchboard.runtime.skills.SkillFormatException;
import dev.switchboard.runtime.skills.SkillManifest;
import dev.switchboard.runtime.skills.SkillManifestParser;
import dev.switchboard.runtime.skills.SkillRegistry;
import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.server.McpAsyncServer;
import io.modelcontextprotocol.server.McpAsyncServerExchange;
import io.modelcontextprotocol.server.McpServerFeatures;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Serves the skill registry over MCP: every skill is a tool (name, title, description, input and
 * output schema) called through {@code invokeSkill}, and its {@code SKILL.md} a
 * {@code text/markdown} resource at {@code skill://<name>/SKILL.md}; the skills extension's
 * {@code skills/list} and {@code skills/get} describe the same packages. When the registry changes,
 * the SDK's tool and resource lists follow and connected sessions get
 * {@code notifications/tools/list_changed} and {@code notifications/resources/list_changed}.
 */
final class SkillTools implements AutoCloseable {

    static final String EXTENSION = "io.modelcontextprotocol/skills";

    private static final Logger LOG = LoggerFactory.getLogger(SkillTools.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
    };
    private static final String META_PREFIX = "dev.switchboard/";

    private final SkillRegistry registry;
    private final ExecutorService updates = Executors.newSingleThreadExecutor(Thread.ofVirtual().name("mcp-skill-sync").factory());
    // Touched by the updates thread only (and by start() before it runs).
    private Map<String, SkillManifest> served = Map.of();
    private McpAsyncServer server;

    SkillTools(SkillRegistry registry) {
        this.registry = registry;
    }

    /** Publishes the current skills into {@code server} and follows the registry from now on. */
    void start(McpAsyncServer server) {
        this.server = server;
        sync();
        registry.addListener(() -> {
            if (!updates.isShutdown()) {
                updates.execute(this::sync);
            }
        });
    }

    @Override
    public void close() {
        updates.shutdownNow();
    }

    /** Whether {@code caller} may see and call the tool named {@code name}. */
    boolean visible(String name, Principal caller) {
        return registry.get(name).map(skill -> SkillRegistry.allowed(skill, caller)).orElse(false);
    }

    private void sync() {
        try {
            Map<String, SkillManifest> now = new LinkedHashMap<>();
            for (SkillManifest skill : registry.list()) {
                now.put(skill.name(), skill);
            }
            boolean changed = false;
            for (Map.Entry<String, SkillManifest> old : served.entrySet()) {
                SkillManifest current = now.get(old.getKey());
                if (current == null || !current.contentHash().equals(old.getValue().contentHash())) {
                    server.removeTool(old.getKey()).onErrorResume(e -> Mono.empty()).block();
                    server.removeResource(uri(old.getValue())).onErrorResume(e -> Mono.empty()).block();
                    changed = true;
                }
            }
            for (SkillManifest skill : now.values()) {
                SkillManifest old = served.get(skill.name());
                if (old == null || !old.contentHash().equals(skill.contentHash())) {
                    server.addTool(tool(skill)).block();
                    server.addResource(resource(skill)).block();
                    changed = true;
                }
            }
            served = now;
            if (changed) {
                // addTool/removeTool announce each change; resources are announced once here.
                server.notifyResourcesListChanged().onErrorResume(e -> Mono.empty()).block();
            }
        } catch (RuntimeException e) {
            LOG.warn("The MCP tool list could not follow the skills: {}", e.toString());
        }
    }

    // ----- tools -----

    private McpServerFeatures.AsyncToolSpecification tool(SkillManifest skill) {
        McpSchema.Tool.Builder tool = McpSchema.Tool.builder()
                .name(skill.name())
                .title(title(skill.name()))
                .description(skill.description())
                .inputSchema(JSON.convertValue(skill.inputSchema(), MAP));
        if (isObjectSchema(skill.outputSchema())) {
            tool.outputSchema(JSON.convertValue(skill.outputSchema(), MAP));
        }
        String name = skill.name();
        return McpServerFeatures.AsyncToolSpecification.builder()
                .tool(tool.build())
                .callHandler((exchange, request) -> Mono.fromCallable(() -> call(name, exchange, request)))
                .build();
    }

    /** {@code monaco-config} → {@code Monaco config}. */
    static String title(String name) {
        String words = name.replace('-', ' ').replace('_', ' ');
        return words.isEmpty() ? words : Character.toUpperCase(words.charAt(0)) + words.substring(1);
    }

    private static boolean isObjectSchema(JsonNode schema) {
        return schema != null && schema.isObject() && "object".equals(schema.path("type").asString(""));
    }

    private McpSchema.CallToolResult call(String name, McpAsyncServerExchange exchange, McpSchema.CallToolRequest request) {
        McpTransportContext context = exchange.transportContext();
        Principal caller = (Principal) context.get(McpHttpTransport.PRINCIPAL);
        if (!visible(name, caller)) {
            // Hidden from this caller's list, so unknown to it.
            throw McpError.builder(McpSchema.ErrorCodes.INVALID_PARAMS).message("Unknown tool: " + name).build();
        }
        McpConnection connection = (McpConnection) context.get(McpHttpTransport.CONNECTION);
        Object requestId = context.get(McpHttpTransport.REQUEST_ID);
        McpConnection.Call call = connection == null || requestId == null ? null : connection.call(requestId);
        JsonNode input = JSON.valueToTree(request.arguments() == null ? Map.of() : request.arguments());
        Listener listener = new Listener(name, exchange, request.progressToken(), call);
        if (call != null && !call.enter()) {
            return error("The call was cancelled.");
        }
        try {
            SkillResult result = registry.invoke(name, input, caller, listener);
            return success(result);
        } catch (SkillException e) {
            if (e.kind() == SkillException.Kind.NOT_FOUND || e.kind() == SkillException.Kind.FORBIDDEN) {
                throw McpError.builder(McpSchema.ErrorCodes.INVALID_PARAMS).message("Unknown tool: " + name).build();
            }
            StringBuilder text = new StringBuilder(e.getMessage());
            for (String violation : e.violations()) {
                text.append("\n- ").append(violation);
            }
            return McpSchema.CallToolResult.builder()
                    .content(List.of(new McpSchema.TextContent(text.toString())))
                    .isError(true)
                    .meta(Map.of(META_PREFIX + "error", e.kind().name().toLowerCase(Locale.ROOT)))
                    .build();
        } finally {
            if (call != null) {
                call.exit();
            }
        }
    }

    private static McpSchema.CallToolResult success(SkillResult result) {
        String text = JSON.writeValueAsString(result.output());
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put(META_PREFIX + "cached", result.cached());
        meta.put(META_PREFIX + "durationMillis", result.durationMillis());
        meta.put(META_PREFIX + "version", result.version());
        meta.put(META_PREFIX + "contentHash", result.contentHash());
        meta.put(META_PREFIX + "fallback", result.fallback());
        McpSchema.CallToolResult.Builder builder = McpSchema.CallToolResult.builder()
                .content(List.of(new McpSchema.TextContent(text)))
                .isError(false)
                .meta(meta);
        if (result.output().isObject()) {
            builder.structuredContent(JSON.convertValue(result.output(), MAP));
        }
        return builder.build();
    }

    private static McpSchema.CallToolResult error(String message) {
        return McpSchema.CallToolResult.builder().content(List.of(new McpSchema.TextContent(message))).isError(true).build();
    }

    /** A skill's progress and log lines, as MCP notifications on the request's stream. */
    private record Listener(String skill, McpAsyncServerExchange exchange, Object progressToken, McpConnection.Call call)
            implements SkillContext {

        @Override
        public void progress(double fraction, String message) {
            if (progressToken != null) {
                exchange.progressNotification(new McpSchema.ProgressNotification(progressToken, fraction, 1.0, message))
                        .onErrorResume(e -> Mono.empty()).block();
            }
        }

        @Override
        public void log(String level, String message) {
            exchange.loggingNotification(McpSchema.LoggingMessageNotification.builder()
                            .level(level(level)).logger(skill).data(message).build())
                    .onErrorResume(e -> Mono.empty()).block();
        }

        private static McpSchema.LoggingLevel level(String level) {
            try {
                return McpSchema.LoggingLevel.valueOf(level == null ? "INFO" : level.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                return McpSchema.LoggingLevel.INFO;
            }
        }

        @Override
        public boolean cancelled() {
            return call != null && call.cancelled();
        }
    }

    // ----- SKILL.md resources and the skills extension -----

    static String uri(SkillManifest skill) {
        return "skill://" + skill.name() + "/SKILL.md";
    }

    private McpServerFeatures.AsyncResourceSpecification resource(SkillManifest skill) {
        String name = skill.name();
        McpSchema.Resource resource = McpSchema.Resource.builder()
                .uri(uri(skill))
                .name(name)
                .title(title(name))
                .description(skill.description())
                .mimeType("text/markdown")
                .build();
        return new McpServerFeatures.AsyncResourceSpecification(resource, (exchange, request) -> Mono.fromCallable(() -> {
            Principal caller = (Principal) exchange.transportContext().get(McpHttpTransport.PRINCIPAL);
            Document document = document(name, caller);
            if (document == null) {
                throw McpError.RESOURCE_NOT_FOUND.apply(request.uri());
            }
            return new McpSchema.ReadResourceResult(List.of(
                    new McpSchema.TextResourceContents(request.uri(), "text/markdown", document.text())));
        }));
    }

    /** A skill's {@code SKILL.md} as served: its text and parsed front matter; null when the caller may not see it. */
    record Document(String uri, String text, JsonNode frontMatter) {

        byte[] bytes() {
            return text.getBytes(StandardCharsets.UTF_8);
        }
    }

    Document document(String name, Principal caller) {
        SkillManifest skill = registry.get(name).orElse(null);
        if (skill == null || !SkillRegistry.allowed(skill, caller)) {
            return null;
        }
        String text;
        if (skill.folder() != null) {
            try {
                text = Files.readString(skill.folder().resolve(SkillManifestParser.FILE), StandardCharsets.UTF_8).replace("\r\n", "\n");
            } catch (IOException e) {
                return null;
            }
        } else {
            // A plugin's skill has no file: its SKILL.md is written from its definition.
            ObjectNode front = JSON.createObjectNode().put("name", skill.name()).put("description", skill.description());
            text = "---\nname: " + yamlString(skill.name()) + "\ndescription: " + yamlString(skill.description()) + "\n---\n\n"
                    + (skill.documentation() == null ? "" : skill.documentation()) + "\n";
            return new Document(uri(skill), text, front);
        }
        try {
            return new Document(uri(skill), text, SkillManifestParser.frontMatter(text));
        } catch (SkillFormatException e) {
            return null;
        }
    }

    private static String yamlString(String value) {
        return JSON.writeValueAsString(value == null ? "" : value);
    }

    /** {@code skills/list}: every skill the caller may use. */
    Object list(Map<String, Object> params, Principal caller) {
        List<Map<String, Object>> entries = new ArrayList<>();
        for (SkillManifest skill : registry.list()) {
            Document document = document(skill.name(), caller);
            if (document != null) {
                entries.add(entry(document));
            }
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("skills", entries);
        return result;
    }

    /** {@code skills/get}: the entry of the skill {@code params.uri} names; -32602 when it names none the caller may use. */
    Object get(Map<String, Object> params, Principal caller) {
        Object uri = params.get("uri");
        String name = uri instanceof String text && text.startsWith("skill://") && text.endsWith("/SKILL.md")
                ? text.substring("skill://".length(), text.length() - "/SKILL.md".length()) : null;
        Document document = name == null ? null : document(name, caller);
        if (document == null || !document.uri().equals(uri)) {
            throw McpError.builder(McpSchema.ErrorCodes.INVALID_PARAMS).message("Invalid params: no skill at " + uri).build();
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("skill", entry(document));
        return result;
    }

    private static Map<String, Object> entry(Document document) {
        byte[] bytes = document.bytes();
        Map<String, Object> file = new LinkedHashMap<>();
        file.put("uri", document.uri());
        file.put("digest", "sha256:" + sha256(bytes));
        file.put("size", bytes.length);
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("uri", document.uri());
        entry.put("frontmatter", JSON.convertValue(document.frontMatter(), MAP));
        entry.put("resources", List.of(file));
        return entry;
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The custom methods of the skills extension, for the transport. */
    Map<String, McpHttpTransport.CustomMethod> methods() {
        Map<String, McpHttpTransport.CustomMethod> methods = new HashMap<>();
        methods.put("skills/list", this::list);
        methods.put("skills/get", this::get);
        return methods;
    }
}
