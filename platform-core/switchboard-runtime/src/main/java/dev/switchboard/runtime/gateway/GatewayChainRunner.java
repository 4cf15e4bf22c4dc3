package dev.switchboard.runtime.gateway;

import dev.switchboard.api.GatewayChain;
import dev.switchboard.runtime.http.ErrorReference;
import dev.switchboard.runtime.http.Problems;
import dev.switchboard.runtime.http.Timings;
import dev.switchboard.runtime.lang.ContextLoader;
import dev.switchboard.runtime.plugins.Generation;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

/**
 * Runs a request through the gateway filters of one generation, highest priority first, and then
 * through the route. A filter that throws fails the request closed (500, logged with a reference);
 * a filter that neither answers nor passes the request on is a bug reported the same way.
 */
public final class GatewayChainRunner {

    private static final Logger LOG = LoggerFactory.getLogger(GatewayChainRunner.class);

    /** What runs after the last filter: the route. */
    @FunctionalInterface
    public interface Route {
        void serve(HttpServletRequest request, HttpServletResponse response) throws Exception;
    }

    private GatewayChainRunner() {
    }

    public static void run(Generation generation, HttpServletRequest request, HttpServletResponse response, String path, Route route)
            throws Exception {
        List<Generation.Filter> filters = generation.gatewayFilters();
        if (filters.isEmpty()) {
            route.serve(request, response);
            return;
        }
        ServletExchange exchange = new ServletExchange(request, response, path);
        long started = System.nanoTime();
        // The route runs under the loader the request came in with, not the innermost filter's:
        // a thread the route starts (a skill pool's) would otherwise keep that plugin version alive.
        ClassLoader host = Thread.currentThread().getContextClassLoader();
        try {
            step(filters, 0, exchange, response, (req, res) -> {
                Timings.since(req, "gateway", started, null);
                ContextLoader.run(host, () -> route.serve(req, res));
            });
        } catch (RouteFailure failure) {
            throw failure.getCause() instanceof Exception e ? e : new RuntimeException(failure.getCause());
        }
    }

    private static void step(List<Generation.Filter> filters, int index, ServletExchange exchange, HttpServletResponse response,
                             Route route) throws RouteFailure {
        if (index == filters.size()) {
            try {
                route.serve(exchange.request(), response);
            } catch (Exception e) {
                throw new RouteFailure(e);
            }
            return;
        }
        Generation.Filter filter = filters.get(index);
        boolean[] proceeded = {false};
        GatewayChain next = () -> {
            if (proceeded[0]) {
                throw new IllegalStateException("GatewayChain.proceed() called twice");
            }
            if (exchange.responded()) {
                throw new IllegalStateException("GatewayChain.proceed() called after the request was answered");
            }
            proceeded[0] = true;
            step(filters, index + 1, exchange, response, route);
        };
        try {
            ContextLoader.run(filter.loader(), () -> filter.filter().filter(exchange, next));
        } catch (RouteFailure failure) {
            throw failure;
        } catch (Exception | LinkageError e) {
            failClosed(filter, exchange, response, e);
            return;
        }
        if (!proceeded[0] && !exchange.responded()) {
            failClosed(filter, exchange, response, new IllegalStateException("the filter neither answered the request nor called proceed()"));
        }
    }

    private static void failClosed(Generation.Filter filter, ServletExchange exchange, HttpServletResponse response, Throwable error) {
        String reference = ErrorReference.next();
        LOG.error("Gateway filter {} of plugin {} failed on {} {} (reference {})", filter.filter().name(), filter.pluginId(),
                exchange.method(), exchange.path(), reference, error);
        if (!response.isCommitted() && !exchange.responded()) {
            response.reset();
            exchange.respond(500, Problems.MEDIA_TYPE, Problems.json(500,
                    "A gateway filter failed, so the request was not passed on. Reference: " + reference + "."));
        }
    }

    /** An exception from the route, carried through the filters without being blamed on them. */
    private static final class RouteFailure extends Exception {
        RouteFailure(Throwable cause) {
            super(cause.getMessage(), cause, false, false);
        }
    }
}
