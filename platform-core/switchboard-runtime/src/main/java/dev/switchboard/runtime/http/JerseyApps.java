package dev.switchboard.runtime.http;

import jakarta.servlet.ServletConfig;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import org.glassfish.hk2.utilities.binding.AbstractBinder;
import org.glassfish.jersey.media.sse.SseFeature;
import org.glassfish.jersey.server.ResourceConfig;
import org.glassfish.jersey.server.ServerProperties;
import org.glassfish.jersey.servlet.ServletContainer;
import org.glassfish.jersey.servlet.async.AsyncContextDelegateProviderImpl;
import org.glassfish.jersey.servlet.spi.AsyncContextDelegateProvider;
import tools.jackson.jakarta.rs.json.JacksonJsonProvider;

import java.util.Collections;
import java.util.Enumeration;

/**
 * Builds the host's Jersey applications, core and plugin alike, with the same explicit set of
 * providers: Jackson 3 JSON, SSE, problem+json errors. Nothing is auto-discovered from
 * {@code META-INF/services}, so what an application holds is exactly what was registered.
 */
public final class JerseyApps {

    private JerseyApps() {
    }

    /**
     * A resource configuration with the host's providers. {@code loader} is the class loader of
     * the code it will serve (a plugin's, or the host's).
     */
    public static ResourceConfig resourceConfig(String name, ClassLoader loader) {
        ResourceConfig config = new ResourceConfig();
        config.setApplicationName(name);
        config.setClassLoader(loader);
        config.property(ServerProperties.METAINF_SERVICES_LOOKUP_DISABLE, true);
        config.property(ServerProperties.FEATURE_AUTO_DISCOVERY_DISABLE, true);
        config.property(ServerProperties.WADL_FEATURE_DISABLE, true);
        config.property(ServerProperties.BV_FEATURE_DISABLE, true);
        // Answer errors ourselves (problem+json) rather than through the container's error page.
        config.property(ServerProperties.RESPONSE_SET_STATUS_OVER_SEND_ERROR, true);
        config.property(ServerProperties.PROCESSING_RESPONSE_ERRORS_ENABLED, true);
        // A mapper per application: Jackson caches (de)serializers per type, and a shared
        // mapper would keep a retired plugin's classes reachable. It refuses duplicate keys (ClientJson).
        config.register(new JacksonJsonProvider(ClientJson.mapper()));
        config.register(SseFeature.class);
        // Servlet async support (needed by SSE and @Suspended) is normally found through
        // META-INF/services, which is switched off above; bind it explicitly.
        config.register(new AbstractBinder() {
            @Override
            protected void configure() {
                bind(new AsyncContextDelegateProviderImpl()).to(AsyncContextDelegateProvider.class);
            }
        });
        config.register(ProblemExceptionMapper.class);
        config.register(ProblemResponseFilter.class);
        config.register(SseHeadersFilter.class);
        config.register(RouteTemplates.class);
        return config;
    }

    /** Creates and initializes a servlet container for {@code config}; this is the expensive step of a swap. */
    public static ServletContainer start(ResourceConfig config, ServletContext context, String name) throws ServletException {
        ServletContainer container = new ServletContainer(config);
        container.init(new ServletConfig() {
            @Override
            public String getServletName() {
                return name;
            }

            @Override
            public ServletContext getServletContext() {
                return context;
            }

            @Override
            public String getInitParameter(String parameter) {
                return null;
            }

            @Override
            public Enumeration<String> getInitParameterNames() {
                return Collections.emptyEnumeration();
            }
        });
        return container;
    }
}
