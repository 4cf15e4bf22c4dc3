package dev.switchboard.runtime.metrics;

import dev.switchboard.api.PrometheusExposition;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.jetty.JettyConnectionMetrics;
import io.micrometer.core.instrument.binder.jetty.JettyServerThreadPoolMetrics;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmCompilationMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmHeapPressureMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmInfoMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.thread.ThreadPool;

import java.io.IOException;
import java.io.OutputStream;

/**
 * The host's meters: one registry for the host and every plugin version (so a counter keeps
 * counting across a swap), kept in Prometheus's form from the start, with the JVM's, the
 * process's and Jetty's meters bound to it. Why the host and not the performance plugin holds the
 * Prometheus registry: decision 0025.
 */
public final class HostMeters implements PrometheusExposition, AutoCloseable {

    private final CompositeMeterRegistry registry = new CompositeMeterRegistry();
    private final PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final ExpositionFormats formats = ExpositionFormats.init();
    private final JvmGcMetrics gc = new JvmGcMetrics();
    private final JvmHeapPressureMetrics heapPressure = new JvmHeapPressureMetrics();

    public HostMeters() {
        registry.add(prometheus);
        new ClassLoaderMetrics().bindTo(registry);
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        heapPressure.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new JvmCompilationMetrics().bindTo(registry);
        new JvmInfoMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
    }

    /** Binds Jetty's thread pool and connection meters; call once the server has its connectors. */
    public void bind(Server server) {
        ThreadPool threads = server.getThreadPool();
        new JettyServerThreadPoolMetrics(threads, Tags.empty()).bindTo(registry);
        JettyConnectionMetrics.addToAllConnectors(server, registry);
    }

    /** The registry the host's components and the plugins register their meters in. */
    public MeterRegistry registry() {
        return registry;
    }

    @Override
    public String contentType(String accept) {
        return formats.findWriter(accept).getContentType();
    }

    @Override
    public void write(String accept, OutputStream out) throws IOException {
        prometheus.scrape(out, accept);
    }

    @Override
    public void close() {
        gc.close();
        heapPressure.close();
        registry.close();
    }
}
