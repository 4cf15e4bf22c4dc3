package dev.switchboard.plugins.performance;

import dev.switchboard.api.PrometheusExposition;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;

/**
 * {@code GET /metrics}: the host's meters in the format the scraper's {@code Accept} asks for
 * (OpenMetrics 1.0.0 for Prometheus, the text format 0.0.4 otherwise). Who may call it is
 * {@link ScrapeAccessFilter}'s business.
 */
@Path(MetricsResource.PATH)
public final class MetricsResource {

    static final String PATH = "/metrics";

    private final PrometheusExposition exposition;

    MetricsResource(PrometheusExposition exposition) {
        this.exposition = exposition;
    }

    @GET
    public Response scrape(@HeaderParam(HttpHeaders.ACCEPT) String accept) {
        StreamingOutput body = out -> exposition.write(accept, out);
        // As a string, not a MediaType: JAX-RS would reorder the parameters of the exposition's own spelling.
        return Response.ok(body).header(HttpHeaders.CONTENT_TYPE, exposition.contentType(accept))
                .header(HttpHeaders.CACHE_CONTROL, "no-store").build();
    }
}
