package dev.switchboard.bench;

import jakarta.servlet.ServletConfig;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Configuration;
import jakarta.ws.rs.core.Context;
import org.eclipse.jetty.ee11.servlet.ServletContextHandler;
import org.eclipse.jetty.ee11.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.VirtualThreads;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.glassfish.jersey.server.ResourceConfig;
import org.glassfish.jersey.servlet.ServletContainer;

import java.io.IOException;
import java.net.URI;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Jetty + one Jersey application, swapped in one of two ways: {@code ServletContainer.reload()}
 * (what Jersey offers) or blue/green (what Switchboard does: build and init a new container off
 * the request path, switch a volatile reference, drain the old one, destroy it). Same server,
 * same resource, same load: only the swap differs.
 */
final class BareJersey implements AutoCloseable {

    enum Mode { RELOAD, BLUE_GREEN }

    /** The resource; each application generation answers with its own number. */
    @Path("/api/bench")
    public static final class Resource {
        @Context
        Configuration configuration;

        @GET
        @Produces("text/plain")
        public String get() {
            return "generation " + configuration.getProperty("generation");
        }
    }

    private final Mode mode;
    private final Server server;
    private final Holder holder;
    private long generation;

    BareJersey(Mode mode) throws Exception {
        this.mode = mode;
        QueuedThreadPool threads = new QueuedThreadPool();
        threads.setVirtualThreadsExecutor(VirtualThreads.getNamedVirtualThreadsExecutor("bare-vt-"));
        server = new Server(threads);
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler(ServletContextHandler.NO_SESSIONS);
        context.setContextPath("/");
        holder = new Holder(application(++generation));
        ServletHolder servlet = new ServletHolder(holder);
        servlet.setAsyncSupported(true);
        servlet.setInitOrder(0);
        context.addServlet(servlet, "/*");
        server.setHandler(context);
        server.start();
    }

    URI uri() {
        return URI.create("http://127.0.0.1:" + ((ServerConnector) server.getConnectors()[0]).getLocalPort() + "/api/bench");
    }

    private static ResourceConfig application(long generation) {
        ResourceConfig config = new ResourceConfig(Resource.class);
        config.property("generation", generation);
        return config;
    }

    /** One swap to a new application generation. */
    void swap() throws Exception {
        ResourceConfig next = application(++generation);
        if (mode == Mode.RELOAD) {
            holder.container().reload(next);
        } else {
            holder.blueGreen(next);
        }
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }

    /** The servlet in front: one container (reload) or a volatile switch between containers (blue/green). */
    private static final class Holder extends HttpServlet {

        /** A container with its in-flight count, closed when superseded (the protocol Switchboard uses). */
        private static final class Gen {
            final ServletContainer container;
            final AtomicLong active = new AtomicLong();
            volatile boolean closed;

            Gen(ServletContainer container) {
                this.container = container;
            }
        }

        private final ResourceConfig first;
        private volatile Gen current;
        private volatile ServletConfig servletConfig;

        Holder(ResourceConfig first) {
            this.first = first;
        }

        ServletContainer container() {
            return current.container;
        }

        @Override
        public void init(ServletConfig config) throws ServletException {
            servletConfig = config;
            ServletContainer container = new ServletContainer(first);
            container.init(config);
            current = new Gen(container);
        }

        @Override
        protected void service(HttpServletRequest request, HttpServletResponse response) throws ServletException, IOException {
            Gen gen;
            while (true) {
                gen = current;
                gen.active.incrementAndGet();
                if (!gen.closed) {
                    break;
                }
                gen.active.decrementAndGet();
            }
            try {
                gen.container.service(request, response);
            } finally {
                gen.active.decrementAndGet();
            }
        }

        void blueGreen(ResourceConfig next) throws Exception {
            ServletContainer fresh = new ServletContainer(next);
            fresh.init(servletConfig);
            Gen old = current;
            current = new Gen(fresh);
            old.closed = true;
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (old.active.get() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(1);
            }
            old.container.destroy();
        }

        @Override
        public void destroy() {
            current.container.destroy();
        }
    }
}
