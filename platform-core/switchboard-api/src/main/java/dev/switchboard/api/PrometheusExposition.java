package dev.switchboard.api;

import java.io.IOException;
import java.io.OutputStream;

/**
 * The host's meters (its own, every plugin's, the JVM's, the process's and Jetty's) in the formats
 * a Prometheus server scrapes, as {@link Platform#prometheus()} gives them: what a plugin serving
 * {@code /metrics} writes. The registry behind it belongs to the host, so counters keep counting
 * when that plugin is swapped or stopped.
 *
 * @since 0.1.0
 */
public interface PrometheusExposition {

    /**
     * The format that answers a scraper's {@code Accept} header, as the Prometheus client chooses
     * it: OpenMetrics 1.0.0 ({@code application/openmetrics-text; version=1.0.0; charset=utf-8})
     * when the header accepts {@code application/openmetrics-text}, as Prometheus's does; the
     * protobuf format when it asks for {@code application/vnd.google.protobuf} with
     * {@code proto=io.prometheus.client.MetricFamily} (native histograms); otherwise the text
     * format 0.0.4 ({@code text/plain; version=0.0.4; charset=utf-8}).
     *
     * @param accept the scraper's {@code Accept} header; null when it sent none
     */
    String contentType(String accept);

    /**
     * Writes every meter as it stands now, in the format {@link #contentType(String)} names for
     * the same header. Usable from any thread.
     *
     * @param accept the scraper's {@code Accept} header; null when it sent none
     */
    void write(String accept, OutputStream out) throws IOException;
}
