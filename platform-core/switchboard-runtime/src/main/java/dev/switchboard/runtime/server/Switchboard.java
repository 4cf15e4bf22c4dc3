package dev.switchboard.runtime.server;

import dev.switchboard.runtime.config.ConfigException;
import dev.switchboard.runtime.config.Settings;
import dev.switchboard.runtime.config.SwitchboardConfig;
import dev.switchboard.runtime.events.EventHub;
import dev.switchboard.runtime.events.EventStreamEndpoint;
import dev.switchboard.runtime.http.HostEndpoint;
import dev.switchboard.runtime.mcp.McpHost;
import dev.switchboard.runtime.plugins.PluginEvent;
import dev.switchboard.runtime.plugins.PluginManager;
import dev.switchboard.runtime.skills.JobManager;
import dev.switchboard.runtime.skills.SkillInvoker;
import dev.switchboard.runtime.skills.SkillRegistry;
import dev.switchboard.runtime.web.AdminEvents;
import dev.switchboard.runtime.web.HostServlet;
import dev.switchboard.runtime.web.HostState;
import dev.switchboard.runtime.metrics.HostMeters;
import io.micrometer.core.instrument.MeterRegistry;
import org.eclipse.jetty.ee11.servlet.ServletContextHandler;
import org.eclipse.jetty.ee11.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.util.InetAddressSet;
import org.eclipse.jetty.util.VirtualThreads;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;

import java.io.IOException;
import java.net.BindException;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The Switchboard host: Jetty with virtual threads, one servlet in front of the core and plugin
 * JAX-RS applications, and the plugin manager. {@link #start} returns once it listens and the
 * plugins in the plugin directory went through their first load; {@link #close} shuts down
 * gracefully (stop accepting, let in-flight requests finish within {@code shutdown.timeout},
 * then stop the plugins).
 */
public final class Switchboard implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Switchboard.class);

    private final SwitchboardConfig config;
    private final Server server;
    private final Connectors connectors;
    private final GracefulHandler graceful;
    private final PluginManager plugins;
    private final HostMeters hostMeters;
    private final MeterRegistry meters;
    private final AdminEvents events;
    private final EventHub hub;
    private final SkillRegistry skills;
    private final JobManager jobs;
    /** Null when {@code mcp.enabled} is false. */
    private final McpHost mcp;
    private final CompletableFuture<Void> skillsRead = new CompletableFuture<>();
    private final CompletableFuture<Void> skillsLoaded = new CompletableFuture<>();
    private final String adminToken;
    private final boolean adminTokenGenerated;
    private final AtomicBoolean closing = new AtomicBoolean();
    private volatile HostState state = HostState.STARTING;

    private Switchboard(SwitchboardConfig config) throws StartupException {
        this.config = config;
        Settings settings = config.settings();
        InetAddressSet adminAddresses = CoreApplication.adminAddresses(settings.admin().allowedAddresses());
        this.adminTokenGenerated = settings.admin().token().isBlank();
        this.adminToken = adminTokenGenerated ? generateToken() : settings.admin().token();

        QueuedThreadPool threads = new QueuedThreadPool(200, 4);
        threads.setName("switchboard");
        threads.setVirtualThreadsExecutor(VirtualThreads.getNamedVirtualThreadsExecutor("switchboard-vt-"));
        this.server = new Server(threads);
        server.setStopTimeout(settings.shutdown().timeout().toMillis());
        server.setStopAtShutdown(false);
        server.setErrorHandler(new ProblemErrors.ServerHandler());
        // Before anything that starts threads: a bad keystore fails the start with nothing to clean up.
        this.connectors = new Connectors(server, settings, config::resolve);

        this.hostMeters = new HostMeters();
        hostMeters.bind(server);
        this.meters = hostMeters.registry();
        this.events = new AdminEvents(Duration.ofSeconds(15));
        this.hub = new EventHub(settings.events(), meters, Clock.systemUTC());
        this.skills = new SkillRegistry(config.skillsDir(), new SkillInvoker(meters),
                config.settings().skills().pythonContextsPerSkill(), config.settings().skills().warmUpAllowance(),
                config.settings().skills().pythonJitWindow());
        this.jobs = new JobManager(skills, meters);

        ServletContextHandler context = new ServletContextHandler(ServletContextHandler.NO_SESSIONS);
        context.setContextPath("/");
        context.setErrorHandler(new ProblemErrors.ServletHandler());
        Settings.PluginSettings pluginSettings = settings.plugins();
        this.plugins = new PluginManager(new PluginManager.Options(config.pluginsDir(), pluginSettings.watch(), pluginSettings.debounce(),
                pluginSettings.drainTimeout(), pluginSettings.startTimeout(), pluginSettings.leakCheckDelay(),
                pluginSettings.maxUpload().bytes(), Versions.switchboard()),
                config.pluginSections(), hostMeters, hub, skills, context::getServletContext);
        plugins.addListener(events::publish);
        plugins.addListener(event -> {
            if (event instanceof PluginEvent.GenerationLive) {
                skills.pluginSkills(plugins.current().skills());
            }
        });

        Map<String, HostEndpoint> endpoints = new HashMap<>();
        endpoints.put(EventStreamEndpoint.PATH, new EventStreamEndpoint(hub));
        this.mcp = settings.mcp().enabled() ? new McpHost(settings.mcp(), skills, Versions.switchboard(), meters) : null;
        if (mcp != null) {
            endpoints.putAll(mcp.endpoints());
            plugins.addListener(event -> {
                if (event instanceof PluginEvent.GenerationLive) {
                    mcp.pluginFeatures(plugins.current().mcp());
                }
            });
        }
        CoreApplication core = new CoreApplication(settings, config.pluginsDir(), () -> state, plugins, events, adminAddresses, adminToken,
                hub, skills, jobs);
        HostServlet servlet = new HostServlet(plugins, settings.auth(), endpoints, core::resourceConfig);
        ServletHolder holder = new ServletHolder("switchboard", servlet);
        holder.setAsyncSupported(true);
        holder.setInitOrder(0);
        context.addServlet(holder, "/*");

        long maxBody = settings.limits().maxRequestBody().bytes();
        long maxUpload = pluginSettings.maxUpload().bytes();
        this.graceful = new GracefulHandler(new RequestBodyLimitHandler(
                request -> "POST".equals(request.getMethod()) && "/admin/plugins".equals(request.getHttpURI().getDecodedPath())
                        ? maxUpload : maxBody,
                new PluginCompression(plugins::current, pluginSettings.drainTimeout(), meters, new CommitHooksHandler(context))));
        server.setHandler(graceful);
    }

    /**
     * Starts the host. Returns once it listens and the plugin directory has been loaded.
     *
     * @throws ConfigException  when a setting is unusable in a way only startup can tell
     * @throws StartupException when the host cannot start (the port is taken, ...)
     */
    public static Switchboard start(SwitchboardConfig config) throws StartupException {
        return start(config, true);
    }

    /**
     * Starts the host without reading the skills directory: for a plugin command, which runs once
     * and exits, and must neither wait for the Python runtime to start nor for it to stop. The
     * skill registry stays empty.
     */
    public static Switchboard startWithoutSkills(SwitchboardConfig config) throws StartupException {
        return start(config, false);
    }

    private static Switchboard start(SwitchboardConfig config, boolean skills) throws StartupException {
        if (!SLF4JBridgeHandler.isInstalled()) {
            SLF4JBridgeHandler.removeHandlersForRootLogger();
            SLF4JBridgeHandler.install();
        }
        Switchboard host = new Switchboard(config);
        host.run(skills);
        return host;
    }

    private void run(boolean loadSkills) throws StartupException {
        try {
            server.start();
        } catch (Exception e) {
            stopQuietly();
            hub.close(0);
            hostMeters.close();
            throw describeStartFailure(e);
        }
        LOG.info("Switchboard {} listening on {}{}", Versions.switchboard(), httpUri(),
                httpsUri().map(u -> " and " + u).orElse(""));
        try {
            plugins.start();
        } catch (Exception e) {
            plugins.close();
            stopQuietly();
            hub.close(0);
            hostMeters.close();
            throw new StartupException("Cannot use the plugin directory " + config.pluginsDir() + ": " + e.getMessage(), e);
        }
        SkillRegistry.Pending pending = null;
        if (loadSkills) {
            // The skills are known before readiness: reading the folders takes milliseconds.
            try {
                pending = skills.read();
            } catch (IOException | RuntimeException e) {
                LOG.warn("Cannot use the skills directory {}: {}", config.skillsDir(), e.toString());
            }
        }
        skillsRead.complete(null);
        state = HostState.READY;
        if (loadSkills) {
            // Preparing them takes seconds for Python (the engine, then warm contexts): readiness does not wait.
            // A platform thread: preparing Python contexts is seconds of CPU that must not hold a carrier of the request threads.
            SkillRegistry.Pending read = pending;
            Thread.ofPlatform().daemon().name("switchboard-skills-load").start(() -> prepareSkills(read));
        } else {
            skillsLoaded.complete(null);
        }
        warnAboutOrphanSections();
        warnAboutDevPrincipal();
    }

    private void prepareSkills(SkillRegistry.Pending pending) {
        try {
            if (pending != null) {
                skills.prepare(pending);
            }
            if (config.settings().skills().watch()) {
                skills.watch(config.settings().skills().debounce());
            }
        } catch (IOException | RuntimeException e) {
            if (!skills.closing()) {
                LOG.warn("Cannot watch the skills directory {}: {}", config.skillsDir(), e.toString());
            }
        } finally {
            skillsLoaded.complete(null);
        }
    }

    /**
     * Completes once the skills directory has been read, before the host is ready: every skill
     * in it is listed (loading, ready or failed) from then on.
     */
    public CompletableFuture<Void> skillsRead() {
        return skillsRead;
    }

    /** Completes once the skills read at start are prepared (ready or failed), after the host is ready. */
    public CompletableFuture<Void> skillsLoaded() {
        return skillsLoaded;
    }

    /**
     * A plugin section or variable no installed plugin claims is kept (the plugin may come
     * later), but may well be a typo: say so.
     */
    private void warnAboutOrphanSections() {
        List<String> installed = plugins.list().stream().map(view -> view.id()).toList();
        for (String section : config.pluginSections().sectionIds()) {
            if (!installed.contains(section)) {
                LOG.warn("Configuration section '{}' matches no installed plugin; it applies when a plugin with that id is installed", section);
            }
        }
        for (String variable : config.pluginSections().unclaimedVariables(installed)) {
            LOG.warn("Environment variable {} sets no host key and no key of an installed plugin; is it misspelt?", variable);
        }
    }

    /** The dev principal is for a developer's machine; say so while it is in force. */
    private void warnAboutDevPrincipal() {
        Settings.AuthSettings.Dev dev = config.settings().auth().dev();
        if (dev.enabled() && plugins.current().authenticationOwners().isEmpty()) {
            LOG.warn("Development authentication is on: callers on loopback are '{}' with roles {} until a plugin takes over "
                    + "authentication. Set auth.dev.enabled: false in production.", dev.principal(), dev.roles());
        }
    }

    private StartupException describeStartFailure(Exception e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof BindException bind) {
                Settings settings = config.settings();
                String where = settings.host() + ":" + settings.port();
                String why = bind.getMessage() != null && bind.getMessage().toLowerCase().contains("in use")
                        ? "the port is already in use" : bind.getMessage();
                return new StartupException("Cannot listen on " + where + " (" + why + "). Stop the other process or choose another port: "
                        + "--port, SWITCHBOARD_PORT, or port: in switchboard.yaml.", e);
            }
        }
        return new StartupException("The server failed to start: " + e.getMessage(), e);
    }

    private static String generateToken() {
        byte[] bytes = new byte[24];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    public URI httpUri() {
        return connectors.httpUri();
    }

    public Optional<URI> httpsUri() {
        return connectors.httpsUri();
    }

    public SwitchboardConfig config() {
        return config;
    }

    public PluginManager plugins() {
        return plugins;
    }

    public MeterRegistry meters() {
        return meters;
    }

    /** The event hub plugins and the {@code /api/events} routes publish into. */
    public EventHub events() {
        return hub;
    }

    /** The skills of the skills directory. */
    public SkillRegistry skills() {
        return skills;
    }

    /** The MCP server; null when {@code mcp.enabled} is false. */
    public McpHost mcp() {
        return mcp;
    }

    public String adminToken() {
        return adminToken;
    }

    /** True when no token was configured and {@link #adminToken()} was generated for this run. */
    public boolean adminTokenGenerated() {
        return adminTokenGenerated;
    }

    public HostState state() {
        return state;
    }

    /** Blocks until the server has stopped. */
    public void join() throws InterruptedException {
        server.join();
    }

    /**
     * Graceful shutdown: readiness goes down, event streams end with a last comment, connectors
     * stop accepting, in-flight requests get up to {@code shutdown.timeout} to finish, then the
     * plugins are stopped. Safe to call more than once.
     */
    @Override
    public void close() {
        if (!closing.compareAndSet(false, true)) {
            return;
        }
        long started = System.nanoTime();
        state = HostState.STOPPING;
        LOG.info("Switchboard is shutting down (in-flight requests get up to {} ms)", config.settings().shutdown().timeout().toMillis());
        events.close();
        hub.close();
        if (mcp != null) {
            mcp.shutdown();
        }
        drainRequests();
        stopQuietly();
        if (mcp != null) {
            mcp.close();
        }
        jobs.close();
        plugins.close();
        skills.close();
        hostMeters.close();
        LOG.info("Switchboard stopped in {} ms", (System.nanoTime() - started) / 1_000_000);
    }

    /**
     * Waits for the requests in flight while every connection stays open: Jetty's own graceful
     * stop first shortens the connections' idle timeout, which would cut an HTTP/2 stream whose
     * answer is still being computed. New requests meanwhile get 503.
     */
    private void drainRequests() {
        long timeout = config.settings().shutdown().timeout().toMillis();
        try {
            graceful.shutdown().get(timeout, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            LOG.warn("{} request(s) still running after {} ms; closing their connections", graceful.getCurrentRequestCount(), timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            LOG.warn("Waiting for in-flight requests failed: {}", e.getCause().toString());
        }
    }

    private void stopQuietly() {
        try {
            server.stop();
        } catch (Exception e) {
            LOG.warn("Stopping the server: {}", e.getMessage());
        }
    }
}
