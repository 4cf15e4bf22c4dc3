package dev.switchboard.runtime.plugins;

import dev.switchboard.api.Authenticator;
import dev.switchboard.api.GatewayFilter;
import dev.switchboard.runtime.lang.ContextLoader;
import dev.switchboard.runtime.mcp.PluginMcpFeature;
import dev.switchboard.runtime.skills.PluginSkill;
import dev.switchboard.api.HealthCheck;
import dev.switchboard.api.ResponseCompression;
import dev.switchboard.api.SwitchboardPlugin;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.glassfish.jersey.servlet.ServletContainer;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One live version of one plugin: its class loader, its started extensions, what they
 * contributed and the JAX-RS application serving its routes. A unit never changes; a new version
 * (or a reload) is a new unit, and the old one is retired once no request uses it.
 */
final class PluginUnit {

    private final PluginCandidate candidate;
    private final UnitClassLoader loader;
    private final Path activeCopy;
    private final List<SwitchboardPlugin> extensions;
    private final PluginEvents events;
    private final org.pf4j.Plugin pf4jPlugin;
    private final Contributions contributions;
    private final ServletContainer container;
    private final List<RouteInfo> routes;
    private final List<String> rootTemplates;
    private final List<PluginUnit> dependencies;
    private final Instant startedAt = Instant.now();
    private volatile long generation;

    PluginUnit(PluginCandidate candidate, UnitClassLoader loader, Path activeCopy, List<SwitchboardPlugin> extensions,
               PluginEvents events, org.pf4j.Plugin pf4jPlugin, Contributions contributions, ServletContainer container,
               List<RouteInfo> routes, List<String> rootTemplates, List<PluginUnit> dependencies) {
        this.candidate = candidate;
        this.loader = loader;
        this.activeCopy = activeCopy;
        this.extensions = List.copyOf(extensions);
        this.events = events;
        this.pf4jPlugin = pf4jPlugin;
        this.contributions = contributions;
        this.container = container;
        this.routes = List.copyOf(routes);
        this.rootTemplates = List.copyOf(rootTemplates);
        this.dependencies = List.copyOf(dependencies);
    }

    String id() {
        return candidate.id();
    }

    String version() {
        return candidate.version();
    }

    PluginCandidate candidate() {
        return candidate;
    }

    UnitClassLoader loader() {
        return loader;
    }

    Path activeCopy() {
        return activeCopy;
    }

    List<SwitchboardPlugin> extensions() {
        return extensions;
    }

    /** The event hub as this version sees it, with its subscriptions. */
    PluginEvents events() {
        return events;
    }

    org.pf4j.Plugin pf4jPlugin() {
        return pf4jPlugin;
    }

    ServletContainer container() {
        return container;
    }

    List<RouteInfo> routes() {
        return routes;
    }

    List<String> rootTemplates() {
        return rootTemplates;
    }

    List<GatewayFilter> filters() {
        return contributions.filters();
    }

    List<PluginSkill> skills() {
        return contributions.skills();
    }

    List<PluginMcpFeature> mcp() {
        return contributions.mcp();
    }

    List<Authenticator> authenticators() {
        return contributions.authenticators();
    }

    /** How it has the host compress responses, or null. */
    ResponseCompression compression() {
        return contributions.compression();
    }

    /** Whether it decides who callers are ({@link dev.switchboard.api.Platform#ownAuthentication}). */
    boolean ownsAuthentication() {
        return contributions.ownsAuthentication();
    }

    Map<String, Contributions.Command> commands() {
        return contributions.commands();
    }

    Map<String, HealthCheck> healthChecks() {
        return contributions.healthChecks();
    }

    Instant startedAt() {
        return startedAt;
    }

    /** The dependency versions this unit was started against. */
    List<PluginUnit> dependencies() {
        return dependencies;
    }

    /** The number of the generation in which this unit went live. */
    long generation() {
        return generation;
    }

    void wentLiveIn(long generation) {
        if (this.generation == 0) {
            this.generation = generation;
        }
        events.live();
    }

    /** It left the live generation: requests may still finish inside it, but it acts on no new event. */
    void superseded() {
        events.close();
    }

    /** Serves a request routed to this plugin, with the plugin's class loader as context loader. */
    void service(HttpServletRequest request, HttpServletResponse response) throws ServletException, IOException {
        try (var scope = ContextLoader.enter(loader)) {
            container.service(request, response);
        }
    }

    @Override
    public String toString() {
        return id() + "@" + version();
    }
}
