package dev.switchboard.runtime.plugins;

import dev.switchboard.api.Authenticator;
import dev.switchboard.api.Events;
import dev.switchboard.api.GatewayFilter;
import dev.switchboard.api.HealthCheck;
import dev.switchboard.api.HostRoute;
import dev.switchboard.api.PluginCommand;
import dev.switchboard.api.Platform;
import dev.switchboard.api.PrometheusExposition;
import dev.switchboard.api.PluginConfig;
import dev.switchboard.api.PluginInfo;
import dev.switchboard.api.McpPrompt;
import dev.switchboard.api.McpResource;
import dev.switchboard.api.McpTool;
import dev.switchboard.api.SkillDefinition;
import dev.switchboard.api.ResponseCompression;
import dev.switchboard.api.Schemas;
import dev.switchboard.api.Skills;
import dev.switchboard.runtime.config.JsonSchemas;
import dev.switchboard.runtime.mcp.PluginMcpFeature;
import dev.switchboard.runtime.skills.PluginSkill;
import dev.switchboard.runtime.skills.SkillFormatException;
import dev.switchboard.runtime.skills.SkillManifestParser;
import dev.switchboard.runtime.metrics.HostMeters;
import io.micrometer.core.instrument.MeterRegistry;
import org.eclipse.jetty.http.pathmap.PathSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The {@link Platform} one plugin version sees. Contributions are collected while
 * {@code start} runs and sealed afterwards.
 */
final class UnitPlatform implements Platform {

    private static final java.util.regex.Pattern COMMAND_NAME = java.util.regex.Pattern.compile("[a-z0-9][a-z0-9-]*");

    private final PluginInfo info;
    private final String hostVersion;
    private final PluginConfig config;
    private final HostMeters meters;
    private final Events events;
    private final Skills hostSkills;
    private final ClassLoader loader;
    private final Logger log;

    private final List<Object> jaxrs = new ArrayList<>();
    private final List<GatewayFilter> filters = new ArrayList<>();
    private final List<Authenticator> authenticators = new ArrayList<>();
    private boolean ownsAuthentication;
    private ResponseCompression compression;
    private final List<PluginSkill> skills = new ArrayList<>();
    private final List<PluginMcpFeature> mcp = new ArrayList<>();
    private final Map<String, HealthCheck> healthChecks = new LinkedHashMap<>();
    private final Map<String, Contributions.Command> commands = new LinkedHashMap<>();
    private final Supplier<List<HostRoute>> routes;
    private volatile boolean sealed;

    UnitPlatform(PluginInfo info, String hostVersion, PluginConfig config, HostMeters meters, Events events, Skills skills,
                 ClassLoader loader, Supplier<List<HostRoute>> routes) {
        this.routes = routes;
        this.info = info;
        this.hostVersion = hostVersion;
        this.config = config;
        this.meters = meters;
        this.events = events;
        this.hostSkills = skills;
        this.loader = loader;
        this.log = LoggerFactory.getLogger("plugin." + info.id());
    }

    @Override
    public PluginInfo plugin() {
        return info;
    }

    @Override
    public String hostVersion() {
        return hostVersion;
    }

    @Override
    public PluginConfig config() {
        return config;
    }

    @Override
    public Logger log() {
        return log;
    }

    @Override
    public MeterRegistry meters() {
        return meters.registry();
    }

    @Override
    public PrometheusExposition prometheus() {
        return meters;
    }

    @Override
    public Events events() {
        return events;
    }

    @Override
    public Skills skills() {
        return hostSkills;
    }

    @Override
    public Schemas schemas() {
        return JsonSchemas.INSTANCE;
    }

    @Override
    public Platform jaxrs(Object... components) {
        checkOpen("jaxrs");
        for (Object component : components) {
            jaxrs.add(Objects.requireNonNull(component, "JAX-RS component"));
        }
        return this;
    }

    @Override
    public Platform filter(GatewayFilter filter) {
        checkOpen("filter");
        filters.add(Objects.requireNonNull(filter, "filter"));
        return this;
    }

    @Override
    public Platform authenticator(Authenticator authenticator) {
        checkOpen("authenticator");
        authenticators.add(Objects.requireNonNull(authenticator, "authenticator"));
        return this;
    }

    @Override
    public Platform ownAuthentication() {
        checkOpen("ownAuthentication");
        ownsAuthentication = true;
        return this;
    }

    @Override
    public Platform compression(ResponseCompression settings) {
        checkOpen("compression");
        Objects.requireNonNull(settings, "compression");
        if (compression != null) {
            throw new IllegalStateException("compression was already set to " + compression);
        }
        for (String path : settings.excludedPaths()) {
            try {
                PathSpec.from(path);
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("compression: excluded path '" + path + "' is not a path spec (/prefix/*, *.ext, ^regex)", e);
            }
        }
        compression = settings;
        return this;
    }

    @Override
    public Platform skill(SkillDefinition skill) {
        checkOpen("skill");
        Objects.requireNonNull(skill, "skill");
        try {
            skills.add(new PluginSkill(SkillManifestParser.fromDefinition(skill, info.id(), info.version()), skill.skill(), info.id(), loader));
        } catch (SkillFormatException e) {
            throw new IllegalArgumentException("skill '" + skill.name() + "': " + String.join("; ", e.problems()), e);
        }
        return this;
    }

    @Override
    public Platform mcpTool(McpTool tool) {
        checkOpen("mcpTool");
        return mcp(Objects.requireNonNull(tool, "tool"));
    }

    @Override
    public Platform mcpPrompt(McpPrompt prompt) {
        checkOpen("mcpPrompt");
        return mcp(Objects.requireNonNull(prompt, "prompt"));
    }

    @Override
    public Platform mcpResource(McpResource resource) {
        checkOpen("mcpResource");
        return mcp(Objects.requireNonNull(resource, "resource"));
    }

    private Platform mcp(Object feature) {
        PluginMcpFeature checked = PluginMcpFeature.of(info.id(), feature, loader);
        for (PluginMcpFeature other : mcp) {
            if (sameKind(other, checked) && other.key().equals(checked.key())) {
                throw new IllegalArgumentException("'" + checked.key() + "' is already contributed by this plugin");
            }
        }
        mcp.add(checked);
        return this;
    }

    private static boolean sameKind(PluginMcpFeature a, PluginMcpFeature b) {
        return a.feature() instanceof McpTool == b.feature() instanceof McpTool
                && a.feature() instanceof McpPrompt == b.feature() instanceof McpPrompt;
    }

    @Override
    public Platform healthCheck(String name, HealthCheck check) {
        checkOpen("healthCheck");
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a health check needs a name");
        }
        if (healthChecks.putIfAbsent(name, Objects.requireNonNull(check, "check")) != null) {
            throw new IllegalArgumentException("health check '" + name + "' is already declared");
        }
        return this;
    }

    @Override
    public List<HostRoute> routes() {
        return routes.get();
    }

    @Override
    public Platform command(String name, String description, PluginCommand command) {
        checkOpen("command");
        if (name == null || !COMMAND_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("a command name is lower case letters, digits and dashes, got '" + name + "'");
        }
        if (commands.putIfAbsent(name, new Contributions.Command(description == null ? "" : description,
                Objects.requireNonNull(command, "command"))) != null) {
            throw new IllegalArgumentException("command '" + name + "' is already declared");
        }
        return this;
    }

    private void checkOpen(String method) {
        if (sealed) {
            throw new IllegalStateException("Platform." + method + "() may only be called while SwitchboardPlugin.start() runs");
        }
    }

    /** Ends the contribution phase and returns what was contributed. */
    Contributions seal() {
        sealed = true;
        return new Contributions(jaxrs, filters, authenticators, ownsAuthentication || !authenticators.isEmpty(), compression, skills, mcp, healthChecks, commands);
    }
}
