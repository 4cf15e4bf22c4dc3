package dev.switchboard.runtime.metrics;

import dev.switchboard.api.PrometheusExposition;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.jetty.JettyConnectionMetrics;
import io.micrometer.core.instrument.binder.jetty.JettyServerThreadPoolMetrics;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmHeapPressureMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmInfoMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.thread.ThreadPool;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;

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
        prometheus.config().meterFilter(PROMETHEUS_CONVENTIONS);
        // In the composite: the child registries would otherwise never see the seconds version
        // (the composite keeps the first registration of a name).
        registry.config().meterFilter(MeterFilter.deny(HostMeters::inFinerUnits));
        registry.add(prometheus);
        new ClassLoaderMetrics().bindTo(registry);
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        heapPressure.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new JvmInfoMetrics().bindTo(registry);
        inSeconds();
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
    }

    /**
     * Micrometer's names that Prometheus's conventions (and {@code promtool check metrics}) refuse,
     * in the Prometheus registry only: a gauge whose name ends in {@code _count}.
     */
    private static final MeterFilter PROMETHEUS_CONVENTIONS = new MeterFilter() {
        @Override
        public Meter.Id map(Meter.Id id) {
            return id.getName().equals("system.cpu.count") ? id.withName("system.cpus.available") : id;
        }
    };

    /**
     * Micrometer's counter of CPU time, in nanoseconds ({@code ProcessorMetrics}; its
     * {@code JvmCompilationMetrics} counts in milliseconds and is not bound): Prometheus wants
     * seconds, so {@link #inSeconds()} registers both in seconds.
     */
    private static boolean inFinerUnits(Meter.Id id) {
        return id.getName().equals("process.cpu.time") && "ns".equals(id.getBaseUnit());
    }

    /** {@code process.cpu.time} and {@code jvm.compilation.time}, counted in seconds. */
    private void inSeconds() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            FunctionCounter.builder("process.cpu.time", os, bean -> bean.getProcessCpuTime() / 1e9)
                    .description("The CPU time used by the Java virtual machine process").baseUnit("seconds").register(registry);
        }
        CompilationMXBean compiler = ManagementFactory.getCompilationMXBean();
        if (compiler != null && compiler.isCompilationTimeMonitoringSupported()) {
            FunctionCounter.builder("jvm.compilation.time", compiler, bean -> bean.getTotalCompilationTime() / 1e3)
                    .description("The time the JIT compilers spent compiling").tag("compiler", compiler.getName())
                    .baseUnit("seconds").register(registry);
        }
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
