package dev.switchboard.runtime.plugins;

import dev.switchboard.api.Authenticator;
import dev.switchboard.api.GatewayFilter;
import dev.switchboard.api.HealthCheck;
import dev.switchboard.api.PluginCommand;
import dev.switchboard.api.ResponseCompression;
import dev.switchboard.runtime.mcp.PluginMcpFeature;
import dev.switchboard.runtime.skills.PluginSkill;

import java.util.List;
import java.util.Map;

/**
 * What one plugin version contributed while it started: its JAX-RS components, gateway filters,
 * authenticators (and whether it owns authentication), its response compression (or null), skills, MCP tools, prompts and resources, health checks and commands. Fixed once {@code start} returns; it lives and dies with the version.
 */
record Contributions(List<Object> jaxrs, List<GatewayFilter> filters, List<Authenticator> authenticators,
                     boolean ownsAuthentication, ResponseCompression compression, List<PluginSkill> skills, List<PluginMcpFeature> mcp, Map<String, HealthCheck> healthChecks,
                     Map<String, Command> commands) {

    /** A command-line command of the plugin, with its one-line description. */
    record Command(String description, PluginCommand command) {
    }

    static final Contributions NONE = new Contributions(List.of(), List.of(), List.of(), false, null, List.of(), List.of(), Map.of(), Map.of());

    Contributions {
        jaxrs = List.copyOf(jaxrs);
        filters = List.copyOf(filters);
        authenticators = List.copyOf(authenticators);
        skills = List.copyOf(skills);
        mcp = List.copyOf(mcp);
        healthChecks = Map.copyOf(healthChecks);
        commands = Map.copyOf(commands);
    }
}
