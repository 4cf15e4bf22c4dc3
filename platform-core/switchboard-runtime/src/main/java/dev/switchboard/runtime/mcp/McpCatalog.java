package dev.switchboard.runtime.mcp;

import dev.switchboard.api.Principal;
import dev.switchboard.runtime.http.Problems;
import dev.switchboard.runtime.skills.SkillManifest;
import dev.switchboard.runtime.skills.SkillRegistry;
import io.modelcontextprotocol.server.McpAsyncServer;
import io.modelcontextprotocol.server.McpServerFeatures;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;

/**
 * What the MCP servers list: every skill as a tool ({@link SkillToolCalls}) and its
 * {@code SKILL.md} as a resource ({@link SkillsExtension}), and the live plugins' MCP tools,
 * prompts and resources beside them (a skill keeps its name). When the registry or the plugins
 * change, the lists of every SDK server (HTTP, stdio) follow, and connected sessions get the
 * {@code list_changed} notifications. It also answers what the transports handle before the SDK
 * ({@link #methods()}).
 */
final class McpCatalog implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(McpCatalog.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
    };

    private final SkillRegistry registry;
    private final PluginFeatures pluginFeatures;
    private final SkillToolCalls toolCalls;
    private final SkillsExtension skillsExtension;
    private final ExecutorService updates = Executors.newSingleThreadExecutor(Thread.ofVirtual().name("mcp-catalog-sync").factory());
    private volatile List<PluginMcpFeature> plugins = List.of();
    /** One per SDK server (HTTP, stdio); touched by the updates thread only. */
    private final List<Catalog> catalogs = new ArrayList<>();

    /** The four lists the SDK keeps. */
    private enum Kind { TOOL, RESOURCE, TEMPLATE, PROMPT }

    /** One served item: what it was made from (to tell when it changed) and how to make its specification. */
    private record Entry(Object source, Supplier<Object> spec, String skillUri) {
    }

    McpCatalog(SkillRegistry registry, PluginFeatures pluginFeatures) {
        this.registry = registry;
        this.pluginFeatures = pluginFeatures;
        this.toolCalls = new SkillToolCalls(registry, this::visible);
        this.skillsExtension = new SkillsExtension(registry);
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
        skillsExtension.retain(skills);
        for (SkillManifest skill : skills) {
            String uri = SkillsExtension.uri(skill);
            wanted.get(Kind.TOOL).put(skill.name(), new Entry(skill.contentHash(), () -> toolCalls.tool(skill), null));
            wanted.get(Kind.RESOURCE).put(uri, new Entry(skill.contentHash(), () -> skillsExtension.resource(skill), uri));
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

    /**
     * {@code resources/list}, answered here rather than by the SDK (which has no filter for
     * resources): the {@code SKILL.md} of each skill the caller may use, then the live plugins'
     * resources.
     */
    Object listResources(Map<String, Object> params, Principal caller) {
        List<Object> resources = new ArrayList<>();
        for (SkillManifest skill : registry.list()) {
            if (SkillRegistry.allowed(skill, caller)) {
                resources.add(SkillsExtension.skillResource(skill));
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

    /** What the transports answer or check before the SDK: the skills extension, completions, resources/list, tools/call. */
    HostMethods methods() {
        Map<String, HostMethods.Method> answered = new HashMap<>();
        answered.put("skills/list", skillsExtension::list);
        answered.put("skills/get", skillsExtension::get);
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
    static McpError unknownTool(String name) {
        return McpError.builder(McpSchema.ErrorCodes.INVALID_PARAMS).message("Unknown tool: " + Problems.echo(name)
                + "; tools/list names the tools this session may call.").build();
    }
}
