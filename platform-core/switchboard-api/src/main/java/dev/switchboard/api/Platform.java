package dev.switchboard.api;

import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;

/**
 * What the host gives a plugin: its configuration, a logger, the metrics registry, the event hub,
 * and the ways to contribute routes, gateway filters, authenticators and health checks.
 *
 * <p>The contribution methods ({@link #jaxrs}, {@link #filter}, {@link #authenticator}, {@link #ownAuthentication},
 * {@link #compression},
 * {@link #skill}, {@link #mcpTool}, {@link #mcpPrompt}, {@link #mcpResource}, {@link #healthCheck})
 * may only be
 * called while {@link SwitchboardPlugin#start} runs; they take effect together when the plugin
 * goes live, and are withdrawn together when it stops. Calling them later throws
 * {@link IllegalStateException}.
 *
 * @since 0.1.0
 */
public interface Platform {

    /** This plugin's id and version, as its manifest declares them. */
    PluginInfo plugin();

    /** The version of the Switchboard host, e.g. {@code 0.1.0}. */
    String hostVersion();

    /** This plugin's section of the host configuration, validated against the plugin's schema. */
    PluginConfig config();

    /** A logger named {@code plugin.<id>}. */
    Logger log();

    /**
     * The host's metrics registry. Meters are shared across plugin versions (a counter keeps
     * counting across a swap); gauges hold their state object weakly, as Micrometer does.
     */
    MeterRegistry meters();

    /**
     * The host's meters in the Prometheus exposition formats, for a plugin that serves a scrape
     * endpoint. Usable from any thread, at any time.
     *
     * @since 0.1.0
     */
    PrometheusExposition prometheus();

    /** The host's event hub, to publish events to browsers' streams. Usable from any thread, at any time. */
    Events events();

    /** The host's skills, to call them. Usable from any thread, at any time. */
    Skills skills();

    /**
     * JSON Schema validation with the host's dialects and violation shape. Usable from any
     * thread, at any time.
     *
     * @since 0.1.0
     */
    Schemas schemas();

    /**
     * Adds JAX-RS components: resource classes or instances ({@code @Path}) and providers
     * (exception mappers, filters, message body readers/writers, features), as classes or
     * instances. They form this plugin's own JAX-RS application: providers apply only to this
     * plugin's resources, never to the host's or another plugin's. Root resource paths must not
     * collide with another plugin's or fall under a host prefix ({@code /admin}, {@code /health},
     * {@code /api/events}, {@code /api/skills}, {@code /api/jobs}, {@code /mcp}, {@code /.well-known}).
     *
     * @return this platform, for chaining
     */
    Platform jaxrs(Object... components);

    /**
     * Adds a gateway filter. It runs for every request to the host's and plugins' routes (not
     * {@code /admin} and {@code /health}), in priority order, before the request reaches JAX-RS.
     *
     * @return this platform, for chaining
     */
    Platform filter(GatewayFilter filter);

    /**
     * Adds an authenticator: how requests carrying this plugin's credentials are turned into a
     * {@link Principal}. While any live plugin contributes one, the host's loopback development
     * principal is off.
     *
     * @return this platform, for chaining
     */
    Platform authenticator(Authenticator authenticator);

    /**
     * Declares that this plugin decides who callers are, for as long as it is live: the host's
     * loopback development principal ({@code auth.dev}) is off, even if the plugin contributes no
     * {@link Authenticator} (a plugin that verifies credentials in a {@link GatewayFilter} and calls
     * {@link GatewayExchange#authenticate} does this). Requests nobody authenticates are anonymous.
     * Contributing an authenticator implies it.
     *
     * @return this platform, for chaining
     * @since 0.1.0
     */
    Platform ownAuthentication();

    /**
     * Has the host compress responses as {@code compression} says, for as long as this plugin
     * version is live (a new version's settings take over with it; none once it stops). The host
     * does the codec work; event streams are never compressed. At most one live plugin sets it:
     * a second fails to start, naming the first.
     *
     * @throws IllegalArgumentException when an excluded path is not a usable path spec
     * @return this platform, for chaining
     * @since 0.1.0
     */
    Platform compression(ResponseCompression compression);

    /**
     * Adds a skill: it is served with the skills of the skills directory (REST, MCP), through the
     * same validation, cache and timeout, for as long as this plugin version is live. A skill of
     * the skills directory with the same name takes precedence.
     *
     * @throws IllegalArgumentException when the definition is unusable (name, schemas, timeout), saying why
     * @return this platform, for chaining
     */
    Platform skill(SkillDefinition skill);

    /**
     * Adds an MCP tool, served at {@code /mcp} for as long as this plugin version is live (the
     * connected sessions are told the list changed). A skill of the same name takes precedence.
     *
     * @throws IllegalArgumentException when the definition has no name, description or object input schema
     * @return this platform, for chaining
     */
    Platform mcpTool(McpTool tool);

    /**
     * Adds an MCP prompt, served at {@code /mcp} for as long as this plugin version is live.
     *
     * @throws IllegalArgumentException when the definition has no name or description
     * @return this platform, for chaining
     */
    Platform mcpPrompt(McpPrompt prompt);

    /**
     * Adds an MCP resource or resource template, served at {@code /mcp} for as long as this plugin
     * version is live. The {@code skill://} scheme is the host's.
     *
     * @throws IllegalArgumentException when the definition has neither a uri nor a uriTemplate, or no name
     * @return this platform, for chaining
     */
    Platform mcpResource(McpResource resource);

    /**
     * Adds a named health check, reported under this plugin in {@code /health/ready}.
     *
     * @return this platform, for chaining
     */
    Platform healthCheck(String name, HealthCheck check);

    /**
     * Every route the host serves now: its own (events, skills, jobs, MCP, health, admin) and
     * those of the live plugins. A snapshot; it changes as plugins come and go.
     *
     * @since 0.1.0
     */
    java.util.List<HostRoute> routes();

    /**
     * Adds {@code bin/switchboard <plugin id> <name>} to the command line.
     *
     * @param name        lower case letters, digits and dashes
     * @param description one line, shown by {@code bin/switchboard <plugin id> --help}
     * @since 0.1.0
     */
    Platform command(String name, String description, PluginCommand command);
}
