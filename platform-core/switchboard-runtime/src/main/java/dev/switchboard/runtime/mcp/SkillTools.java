package dev.switchboard.runtime.mcp;

import dev.switchboard.api.Principal;
import dev.switchboard.api.SkillContext;
import dev.switchboard.api.SkillException;
import dev.switchboard.api.SkillResult;
import dev.switchboard.runtime.http.Problems;
import dev.switchboard.runtime.skills.ContentHash;
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
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;

/**
 * Serves the skill registry over MCP: every skill is a tool (name, title, description, input and
 * output schema) called through {@code invokeSkill}, and its {@code SKILL.md} a
 * {@code text/markdown} resource at {@code skill://<name>/SKILL.md}; the skills extension's
 * {@code skills/list} and {@code skills/get} describe the same packages. The live plugins' MCP
 * tools, prompts and resources are served beside them (a skill keeps its name). When the registry
 * or the plugins change, the lists of every SDK server (HTTP, stdio) follow, and connected
 * sessions get the {@code list_changed} notifications.
 */
final class SkillTools implements AutoCloseable {

    static final String EXTENSION = "io.modelcontextprotocol/skills";

    private static final Logger LOG = LoggerFactory.getLogger(SkillTools.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
    };
    private static final String META_PREFIX = "dev.switchboard/";

    private final SkillRegistry registry;
    private final PluginFeatures pluginFeatures;
    private final ExecutorService updates = Executors.newSingleThreadExecutor(Thread.ofVirtual().name("mcp-catalog-sync").factory());
    private volatile List<PluginMcpFeature> plugins = List.of();
    /** SKILL.md documents by skill content hash; pruned to the live skills on every sync. */
    private final Map<String, Document> documents = new ConcurrentHashMap<>();
    /** One per SDK server (HTTP, stdio); touched by the updates thread only. */
    private final List<Catalog> catalogs = new ArrayList<>();

    /** The four lists the SDK keeps. */
    private enum Kind { TOOL, RESOURCE, TEMPLATE, PROMPT }

    /** One served item: what it was made from (to tell when it changed) and how to make its specification. */
    private record Entry(Object source, Supplier<Object> spec, String skillUri) {
    }

    SkillTools(SkillRegistry registry, PluginFeatures pluginFeatures) {
        this.registry = registry;
        this.pluginFeatures = pluginFeatures;
        registry.addListener(this::schedule);
    }

    /**
     * Publishes the current skills and plugin features into {@code server}, and keeps it up to
     * date; the future completes once they are published.
     */
    Future<?> attach(McpAsyncServer server) {
        return updates.submit(() -> {
            catalogs.add(new Catalog(server));
            sync();
        });
    }

    /** Completes once every change scheduled so far is in the SDK servers' lists. */
    CompletableFuture<Void> synced() {
        CompletableFuture<Void> synced = new CompletableFuture<>();
        if (updates.isShutdown()) {
            synced.complete(null);
        } else {
            updates.execute(() -> synced.complete(null));
        }
        return synced;
    }

    /** Stops keeping {@code server} up to date (its transport ended). */
    void detach(McpAsyncServer server) {
        if (!updates.isShutdown()) {
            updates.execute(() -> catalogs.removeIf(catalog -> catalog.server == server));
        }
    }

    /** Takes the MCP features of the live plugins (after every plugin generation change). */
    void plugins(List<PluginMcpFeature> live) {
        plugins = List.copyOf(live);
        schedule();
    }

    private void schedule() {
        if (!updates.isShutdown()) {
            updates.execute(this::sync);
        }
    }

    @Override
    public void close() {
        updates.shutdownNow();
    }

    /** Whether {@code caller} may see and call the tool named {@code name}: a skill it may use, or a plugin's tool. */
    boolean visible(String name, Principal caller) {
        return registry.get(name).map(skill -> SkillRegistry.allowed(skill, caller))
                .orElseGet(() -> plugin(Kind.TOOL, name) != null);
    }

    /** The live plugin feature of {@code kind} under {@code key}, or null. */
    private PluginMcpFeature plugin(Kind kind, String key) {
        for (PluginMcpFeature feature : plugins) {
            if (kind(feature) == kind && feature.key().equals(key)) {
                return feature;
            }
        }
        return null;
    }

    private static Kind kind(PluginMcpFeature feature) {
        return switch (feature.feature()) {
            case dev.switchboard.api.McpTool ignored -> Kind.TOOL;
            case dev.switchboard.api.McpPrompt ignored -> Kind.PROMPT;
            default -> feature.template() ? Kind.TEMPLATE : Kind.RESOURCE;
        };
    }

    private void sync() {
        Map<Kind, Map<String, Entry>> wanted = new EnumMap<>(Kind.class);
        for (Kind kind : Kind.values()) {
            wanted.put(kind, new LinkedHashMap<>());
        }
        List<SkillManifest> skills = registry.list();
        documents.keySet().retainAll(skills.stream().map(SkillManifest::contentHash).toList());
        for (SkillManifest skill : skills) {
            wanted.get(Kind.TOOL).put(skill.name(), new Entry(skill.contentHash(), () -> tool(skill), null));
            wanted.get(Kind.RESOURCE).put(uri(skill), new Entry(skill.contentHash(), () -> resource(skill), uri(skill)));
        }
        for (PluginMcpFeature feature : plugins) {
            Kind kind = kind(feature);
            Entry entry = new Entry(feature, () -> switch (kind) {
                case TOOL -> pluginFeatures.tool(feature);
                case PROMPT -> pluginFeatures.prompt(feature);
                case RESOURCE -> pluginFeatures.resource(feature);
                case TEMPLATE -> pluginFeatures.template(feature);
            }, null);
            if (wanted.get(kind).putIfAbsent(feature.key(), entry) != null) {
                LOG.warn("Plugin {}: MCP {} '{}' is not served: a skill or another plugin has that name", feature.pluginId(),
                        kind.name().toLowerCase(Locale.ROOT), feature.key());
            }
        }
        for (Catalog catalog : catalogs) {
            try {
                catalog.sync(wanted);
            } catch (RuntimeException e) {
                LOG.warn("The MCP lists could not follow the skills and plugins: {}", e.toString());
            }
        }
    }

    /** What one SDK server serves now, by kind and key, brought to what is wanted. */
    private static final class Catalog {
        private final McpAsyncServer server;
        private final Map<Kind, Map<String, Entry>> served = new EnumMap<>(Kind.class);

        Catalog(McpAsyncServer server) {
            this.server = server;
            for (Kind kind : Kind.values()) {
                served.put(kind, new LinkedHashMap<>());
            }
        }

        void sync(Map<Kind, Map<String, Entry>> wanted) {
            boolean resourcesChanged = apply(Kind.RESOURCE, wanted) | apply(Kind.TEMPLATE, wanted);
            apply(Kind.TOOL, wanted);
            boolean promptsChanged = apply(Kind.PROMPT, wanted);
            // addTool/removeTool announce each change themselves; resources and prompts are announced once here.
            if (resourcesChanged) {
                server.notifyResourcesListChanged().onErrorResume(e -> Mono.empty()).block();
            }
            if (promptsChanged) {
                server.notifyPromptsListChanged().onErrorResume(e -> Mono.empty()).block();
            }
        }

        /** Brings the SDK's list of {@code kind} to {@code wanted}; true when it changed. */
        private boolean apply(Kind kind, Map<Kind, Map<String, Entry>> wanted) {
            Map<String, Entry> now = served.get(kind);
            Map<String, Entry> next = wanted.get(kind);
            boolean changed = false;
            for (Map.Entry<String, Entry> old : List.copyOf(now.entrySet())) {
                Entry replacement = next.get(old.getKey());
                if (replacement == null || !replacement.source().equals(old.getValue().source())) {
                    remove(kind, old.getKey()).onErrorResume(e -> Mono.empty()).block();
                    now.remove(old.getKey());
                    changed = true;
                }
            }
            for (Map.Entry<String, Entry> entry : next.entrySet()) {
                if (!now.containsKey(entry.getKey())) {
                    add(entry.getValue().spec().get()).block();
                    now.put(entry.getKey(), entry.getValue());
                    changed = true;
                    if (entry.getValue().skillUri() != null) {
                        // An edited SKILL.md: subscribers hear of it.
                        server.notifyResourcesUpdated(new McpSchema.ResourcesUpdatedNotification(entry.getValue().skillUri()))
                                .onErrorResume(e -> Mono.empty()).block();
                    }
                }
            }
            return changed;
        }

        private Mono<Void> remove(Kind kind, String key) {
            return switch (kind) {
                case TOOL -> server.removeTool(key);
                case RESOURCE -> server.removeResource(key);
                case TEMPLATE -> server.removeResourceTemplate(key);
                case PROMPT -> server.removePrompt(key);
            };
        }

        private Mono<Void> add(Object spec) {
            return switch (spec) {
                case McpServerFeatures.AsyncToolSpecification tool -> server.addTool(tool);
                case McpServerFeatures.AsyncResourceSpecification resource -> server.addResource(resource);
                case McpServerFeatures.AsyncResourceTemplateSpecification template -> server.addResourceTemplate(template);
                case McpServerFeatures.AsyncPromptSpecification prompt -> server.addPrompt(prompt);
                default -> throw new IllegalArgumentException(spec.getClass().getName());
            };
        }
    }

    /**
     * {@code completion/complete}: values for a plugin prompt's argument ({@code ref/prompt}) or a
     * plugin resource template's variable ({@code ref/resource}).
     */
    Object complete(Map<String, Object> params, Principal caller) {
        Map<?, ?> ref = params.get("ref") instanceof Map<?, ?> map ? map : Map.of();
        Map<?, ?> argument = params.get("argument") instanceof Map<?, ?> map ? map : Map.of();
        PluginMcpFeature feature = switch (String.valueOf(ref.get("type"))) {
            case "ref/prompt" -> plugin(Kind.PROMPT, String.valueOf(ref.get("name")));
            case "ref/resource" -> plugin(Kind.TEMPLATE, String.valueOf(ref.get("uri")));
            default -> null;
        };
        if (feature == null || !(argument.get("name") instanceof String name)) {
            throw McpError.builder(McpSchema.ErrorCodes.INVALID_PARAMS).message("Invalid params: no prompt or resource template "
                    + ref + " to complete, or no argument name").build();
        }
        List<String> values;
        try {
            values = PluginFeatures.complete(feature, name, argument.get("value") == null ? "" : String.valueOf(argument.get("value")));
        } catch (Exception e) {
            throw McpError.builder(McpSchema.ErrorCodes.INTERNAL_ERROR).message("Completion failed: " + e.getMessage()).build();
        }
        Map<String, Object> completion = new LinkedHashMap<>();
        completion.put("values", values);
        return Map.of("completion", completion);
    }

    // ----- tools -----

    private McpServerFeatures.AsyncToolSpecification tool(SkillManifest skill) {
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
        Principal caller = (Principal) context.get(McpHttpTransport.PRINCIPAL);
        if (!visible(name, caller)) {
            throw unknownTool(name);
        }
        Calls calls = (Calls) context.get(McpHttpTransport.CALLS);
        Calls.Call call = calls == null ? null : calls.get(context.get(McpHttpTransport.REQUEST_ID));
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
                throw unknownTool(name);
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

    // ----- SKILL.md resources and the skills extension -----

    static String uri(SkillManifest skill) {
        return "skill://" + skill.name() + "/SKILL.md";
    }

    /** The {@code SKILL.md} of {@code skill} as an MCP resource. */
    private static McpSchema.Resource skillResource(SkillManifest skill) {
        return McpSchema.Resource.builder(uri(skill), skill.name())
                .title(title(skill.name()))
                .description(skill.description())
                .mimeType("text/markdown")
                .build();
    }

    private McpServerFeatures.AsyncResourceSpecification resource(SkillManifest skill) {
        String name = skill.name();
        return new McpServerFeatures.AsyncResourceSpecification(skillResource(skill), (exchange, request) -> Mono.fromCallable(() -> {
            Principal caller = (Principal) exchange.transportContext().get(McpHttpTransport.PRINCIPAL);
            Document document = document(name, caller);
            if (document == null) {
                throw McpError.RESOURCE_NOT_FOUND.apply(request.uri());
            }
            return McpSchema.ReadResourceResult.builder(List.of(
                    McpSchema.TextResourceContents.builder(request.uri(), document.text()).mimeType("text/markdown").build())).build();
        }));
    }

    /**
     * A skill's {@code SKILL.md} as served: its text, and its skills-extension entry (front matter,
     * digest, size), made once per skill version.
     */
    record Document(String uri, String text, Map<String, Object> entry) {

        static Document of(String uri, String text, JsonNode frontMatter) {
            Map<String, Object> file = new LinkedHashMap<>();
            file.put("uri", uri);
            file.put("digest", "sha256:" + ContentHash.of(text));
            file.put("size", text.getBytes(StandardCharsets.UTF_8).length);
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("uri", uri);
            entry.put("frontmatter", JSON.convertValue(frontMatter, MAP));
            entry.put("resources", List.of(file));
            return new Document(uri, text, entry);
        }
    }

    /** The {@code SKILL.md} of the skill {@code name}; null when there is none the caller may see. */
    Document document(String name, Principal caller) {
        SkillManifest skill = registry.get(name).orElse(null);
        if (skill == null || !SkillRegistry.allowed(skill, caller)) {
            return null;
        }
        // By content hash: an edit makes a new version, so the file is read once per version, not per request.
        Document document = documents.get(skill.contentHash());
        if (document == null) {
            document = read(skill);
            if (document != null) {
                documents.put(skill.contentHash(), document);
            }
        }
        return document;
    }

    private static Document read(SkillManifest skill) {
        if (skill.folder() == null) {
            // A plugin's skill has no file: its SKILL.md is written from its definition.
            ObjectNode front = JSON.createObjectNode().put("name", skill.name()).put("description", skill.description());
            String text = "---\nname: " + yamlString(skill.name()) + "\ndescription: " + yamlString(skill.description()) + "\n---\n\n"
                    + (skill.documentation() == null ? "" : skill.documentation()) + "\n";
            return Document.of(uri(skill), text, front);
        }
        try {
            String text = Files.readString(skill.folder().resolve(SkillManifestParser.FILE), StandardCharsets.UTF_8).replace("\r\n", "\n");
            return Document.of(uri(skill), text, SkillManifestParser.frontMatter(text));
        } catch (IOException | SkillFormatException e) {
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
                entries.add(document.entry());
            }
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("skills", entries);
        return result;
    }

    /**
     * {@code resources/list}, answered here rather than by the SDK (which has no filter for
     * resources): the {@code SKILL.md} of each skill the caller may use, then the live plugins'
     * resources.
     */
    Object listResources(Map<String, Object> params, Principal caller) {
        List<Object> resources = new ArrayList<>();
        for (SkillManifest skill : registry.list()) {
            if (SkillRegistry.allowed(skill, caller)) {
                resources.add(skillResource(skill));
            }
        }
        java.util.Set<String> uris = new java.util.HashSet<>();
        for (PluginMcpFeature feature : plugins) {
            // The first plugin to claim a uri serves it, as in sync().
            if (kind(feature) == Kind.RESOURCE && uris.add(feature.key())) {
                resources.add(JSON.convertValue(feature.definition(), MAP));
            }
        }
        return Map.of("resources", resources);
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
        result.put("skill", document.entry());
        return result;
    }

    /** What the transports answer or check before the SDK: the skills extension, completions, resources/list, tools/call. */
    HostMethods methods() {
        Map<String, HostMethods.Method> answered = new HashMap<>();
        answered.put("skills/list", this::list);
        answered.put("skills/get", this::get);
        answered.put("completion/complete", this::complete);
        answered.put("resources/list", this::listResources);
        return new HostMethods(answered, Map.of(McpSchema.METHOD_TOOLS_CALL, this::checkCall));
    }

    /**
     * A {@code tools/call} the SDK may run: a tool name this caller may use, arguments that are an
     * object. Otherwise -32602 naming the tool (the SDK would answer "Unknown tool: invalid_tool_name").
     */
    private void checkCall(Map<String, Object> params, Principal caller) {
        if (!(params.get("name") instanceof String name) || name.isEmpty()) {
            throw McpError.builder(McpSchema.ErrorCodes.INVALID_PARAMS)
                    .message("Invalid params: tools/call needs the tool's \"name\", a string.").build();
        }
        Object arguments = params.get("arguments");
        if (arguments != null && !(arguments instanceof Map<?, ?>)) {
            throw McpError.builder(McpSchema.ErrorCodes.INVALID_PARAMS)
                    .message("Invalid params: the \"arguments\" of tools/call must be an object.").build();
        }
        if (!visible(name, caller)) {
            throw unknownTool(name);
        }
    }

    /** A tool this caller cannot see: hidden from its list, so unknown to it, whether it exists or not. */
    private static McpError unknownTool(String name) {
        return McpError.builder(McpSchema.ErrorCodes.INVALID_PARAMS).message("Unknown tool: " + Problems.echo(name)
                + "; tools/list names the tools this session may call.").build();
    }
}
