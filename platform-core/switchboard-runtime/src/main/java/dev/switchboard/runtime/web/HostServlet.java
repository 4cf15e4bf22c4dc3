package dev.switchboard.runtime.web;

import dev.switchboard.runtime.config.Settings;
import dev.switchboard.runtime.gateway.GatewayChainRunner;
import dev.switchboard.runtime.gateway.RequestAuthentication;
import dev.switchboard.runtime.http.CommitHooks;
import dev.switchboard.runtime.http.CoreRoutes;
import dev.switchboard.runtime.http.ErrorReference;
import dev.switchboard.runtime.http.HostEndpoint;
import dev.switchboard.runtime.http.JerseyApps;
import dev.switchboard.runtime.http.MalformedTargets;
import dev.switchboard.runtime.http.Problems;
import dev.switchboard.runtime.http.RouteTemplates;
import dev.switchboard.runtime.plugins.Generation;
import dev.switchboard.runtime.plugins.PluginManager;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.glassfish.jersey.server.ResourceConfig;
import org.glassfish.jersey.servlet.ServletContainer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * The one servlet of the host, mounted at {@code /*}: every request enters here.
 *
 * <pre>
 * a query that does not decode → 400 problem naming the parameter (before any route or filter)
 * /admin, /health          → core application (no plugin filters: the operator always gets in)
 * /.well-known/...         → host endpoints (no plugin filters: public metadata)
 * anything else            → gateway filters of the live generation, then
 *   /mcp, /api/events/stream            → host endpoints (plain servlet code, never reloaded)
 *   /api/events, /api/skills, /api/jobs → core application (never reloaded)
 *   a plugin route                      → that plugin's application, in the same generation
 *   otherwise                           → 404 problem
 * </pre>
 *
 * A request holds its generation from the first filter to the end of the route, so a swap can
 * neither split it nor pull the plugin from under it. A plugin request that goes asynchronous
 * keeps the generation until it completes; core requests release it when the servlet returns, so
 * core streams never hold back the retirement of a plugin.
 */
public final class HostServlet extends HttpServlet {

    private static final Logger LOG = LoggerFactory.getLogger(HostServlet.class);

    private final PluginManager plugins;
    private final Settings.AuthSettings auth;
    private final Map<String, HostEndpoint> endpoints;
    private final Supplier<ResourceConfig> coreApplication;
    private transient ServletContainer core;

    /**
     * @param endpoints host routes served outside the core JAX-RS application, by exact path; they
     *                  run after the gateway filters like every core route (except under the
     *                  filter-exempt prefixes), and never hold a plugin generation once the servlet
     *                  returns
     */
    public HostServlet(PluginManager plugins, Settings.AuthSettings auth, Map<String, HostEndpoint> endpoints,
                       Supplier<ResourceConfig> coreApplication) {
        this.plugins = plugins;
        this.auth = auth;
        this.endpoints = Map.copyOf(endpoints);
        this.coreApplication = coreApplication;
    }

    @Override
    public void init() throws ServletException {
        core = JerseyApps.start(coreApplication.get(), getServletContext(), "core");
    }

    @Override
    public void destroy() {
        if (core != null) {
            core.destroy();
        }
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String path = pathOf(request);
        Optional<String> badQuery = MalformedTargets.queryProblem(request.getQueryString());
        if (badQuery.isPresent()) {
            writeProblem(response, 400, badQuery.get());
            return;
        }
        try {
            HostEndpoint endpoint = endpoints.get(path);
            if (CoreRoutes.filterExempt(path)) {
                if (endpoint != null) {
                    endpoint.serve(request, response);
                } else {
                    core.service(request, response);
                }
                return;
            }
            Generation generation = plugins.enterCurrent();
            AtomicBoolean released = new AtomicBoolean();
            boolean pluginRoute = endpoint == null && !CoreRoutes.servedByCore(path);
            RequestAuthentication.install(request, generation, auth, path);
            HttpServletResponse filtered = endpoint == null ? response : endpoint.gatewayResponse(request, response);
            try {
                GatewayChainRunner.run(generation, request, filtered, path, (req, res) -> route(generation, path, req, response));
            } finally {
                if (pluginRoute && request.isAsyncStarted()) {
                    request.getAsyncContext().addListener(new ReleaseOnComplete(generation, released));
                } else if (released.compareAndSet(false, true)) {
                    generation.exit();
                }
            }
        } catch (Exception e) {
            fail(request, response, path, e);
        } finally {
            completeWhenOver(request);
        }
    }

    /**
     * Runs the filters' {@code afterCompletion} actions now, or when the asynchronous exchange
     * completes: while the servlet response is still there to be read.
     */
    private static void completeWhenOver(HttpServletRequest request) {
        if (!(request.getAttribute(CommitHooks.ATTRIBUTE) instanceof CommitHooks hooks) || !hooks.awaitsCompletion()) {
            return;
        }
        if (request.isAsyncStarted()) {
            try {
                request.getAsyncContext().addListener(new CompleteHooks(hooks));
                return;
            } catch (IllegalStateException completing) {
                // It completed between the two calls: it is over now.
            }
        }
        hooks.complete();
    }

    private record CompleteHooks(CommitHooks hooks) implements AsyncListener {
        @Override
        public void onComplete(AsyncEvent event) {
            hooks.complete();
        }

        @Override
        public void onTimeout(AsyncEvent event) {
            // onComplete follows, with the timeout's answer.
        }

        @Override
        public void onError(AsyncEvent event) {
            // onComplete follows.
        }

        @Override
        public void onStartAsync(AsyncEvent event) {
            event.getAsyncContext().addListener(this);
        }
    }

    private void route(Generation generation, String path, HttpServletRequest request, HttpServletResponse response)
            throws ServletException, IOException {
        HostEndpoint endpoint = endpoints.get(path);
        if (endpoint != null) {
            // Served by exact path: the path is the route's template.
            request.setAttribute(RouteTemplates.ATTRIBUTE, path);
            endpoint.serve(request, response);
            return;
        }
        if (CoreRoutes.servedByCore(path)) {
            core.service(request, response);
            return;
        }
        if (!generation.serve(path, request, response)) {
            String prefix = CoreRoutes.hostPrefixOf(path);
            writeProblem(response, 404, prefix == null
                    ? "No route matches " + request.getMethod() + " " + path + "."
                    : "Nothing is served under " + prefix + " in this version of Switchboard.");
        }
    }

    private static void fail(HttpServletRequest request, HttpServletResponse response, String path, Exception e) throws IOException {
        String reference = ErrorReference.next();
        LOG.error("Request {} {} failed (reference {})", request.getMethod(), path, reference, e);
        if (!response.isCommitted()) {
            response.reset();
            writeProblem(response, 500, "The server failed to handle this request. Reference: " + reference + ".");
        }
    }

    static void writeProblem(HttpServletResponse response, int status, String detail) throws IOException {
        Problems.write(response, status, detail);
    }

    /** The decoded path below the context, always starting with {@code /}. */
    static String pathOf(HttpServletRequest request) {
        String servletPath = request.getServletPath() == null ? "" : request.getServletPath();
        String pathInfo = request.getPathInfo() == null ? "" : request.getPathInfo();
        String path = servletPath + pathInfo;
        return path.isEmpty() ? "/" : path;
    }

    private record ReleaseOnComplete(Generation generation, AtomicBoolean released) implements AsyncListener {
        @Override
        public void onComplete(AsyncEvent event) {
            release();
        }

        @Override
        public void onTimeout(AsyncEvent event) {
            release();
        }

        @Override
        public void onError(AsyncEvent event) {
            release();
        }

        @Override
        public void onStartAsync(AsyncEvent event) {
            event.getAsyncContext().addListener(this);
        }

        private void release() {
            if (released.compareAndSet(false, true)) {
                generation.exit();
            }
        }
    }
}
