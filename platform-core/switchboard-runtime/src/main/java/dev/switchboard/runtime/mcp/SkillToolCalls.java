package dev.switchboard.runtime.mcp;

import dev.switchboard.api.Principal;
import dev.switchboard.api.SkillContext;
import dev.switchboard.api.SkillException;
import dev.switchboard.api.SkillResult;
import dev.switchboard.runtime.skills.SkillManifest;
import dev.switchboard.runtime.skills.SkillRegistry;
import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.server.McpAsyncServerExchange;
import io.modelcontextprotocol.server.McpServerFeatures;
import io.modelcontextprotocol.spec.McpSchema;
import reactor.core.publisher.Mono;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiPredicate;

/**
 * A skill as an MCP tool: its definition (name, title, description, input and output schema) and
 * the call handler, which runs it through the registry's {@code invokeSkill} path as the session's
 * principal, turns its progress and log lines into notifications, honours cancellation, and
 * answers a skill's failure as a tool error ({@code isError}) with the reason, never a protocol
 * error, except that a tool the caller may not see is unknown to it.
 */
final class SkillToolCalls {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
    };
    private static final String META_PREFIX = "dev.switchboard/";

    private final SkillRegistry registry;
    private final BiPredicate<String, Principal> visible;

    /** @param visible whether a caller may see and call a tool, by name */
    SkillToolCalls(SkillRegistry registry, BiPredicate<String, Principal> visible) {
        this.registry = registry;
        this.visible = visible;
    }

    /** The tool that calls {@code skill}. */
    McpServerFeatures.AsyncToolSpecification tool(SkillManifest skill) {
        McpSchema.Tool.Builder tool = McpSchema.Tool.builder(skill.name(), JSON.convertValue(skill.inputSchema(), MAP))
                .title(title(skill.name()))
                .description(skill.description());
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
        Principal caller = (Principal) context.get(TransportContext.PRINCIPAL);
        if (!visible.test(name, caller)) {
            throw McpCatalog.unknownTool(name);
        }
        Calls calls = (Calls) context.get(TransportContext.CALLS);
        Calls.Call call = calls == null ? null : calls.get(context.get(TransportContext.REQUEST_ID));
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
                throw McpCatalog.unknownTool(name);
            }
            StringBuilder text = new StringBuilder(e.getMessage());
            for (String violation : e.violations()) {
                text.append("\n- ").append(violation);
            }
            return McpSchema.CallToolResult.builder()
                    .content(List.of(McpSchema.TextContent.builder(text.toString()).build()))
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
                .content(List.of(McpSchema.TextContent.builder(text).build()))
                .isError(false)
                .meta(meta);
        if (result.output().isObject()) {
            builder.structuredContent(JSON.convertValue(result.output(), MAP));
        }
        return builder.build();
    }

    private static McpSchema.CallToolResult error(String message) {
        return McpSchema.CallToolResult.builder().content(List.of(McpSchema.TextContent.builder(message).build())).isError(true).build();
    }

    /** A skill's progress and log lines, as MCP notifications on the request's stream. */
    private record Listener(String skill, McpAsyncServerExchange exchange, Object progressToken, Calls.Call call)
            implements SkillContext {

        @Override
        public void progress(double fraction, String message) {
            if (progressToken != null) {
                exchange.progressNotification(McpSchema.ProgressNotification.builder(progressToken, fraction).total(1.0).message(message).build())
                        .onErrorResume(e -> Mono.empty()).block();
            }
        }

        @Override
        public void log(String level, String message) {
            exchange.loggingNotification(McpSchema.LoggingMessageNotification.builder(level(level), message).logger(skill).build())
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
}
