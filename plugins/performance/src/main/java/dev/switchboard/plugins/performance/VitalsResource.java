package dev.switchboard.plugins.performance;

import dev.switchboard.api.Schemas;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code POST /api/vitals}: what the web-vitals library reports ({@code onLCP(report)} ...), one
 * metric or an array of them, as JSON or as the {@code text/plain} string
 * {@code navigator.sendBeacon} sends. Checked whole before anything is recorded: a body that is
 * not JSON, a field of the wrong type, a metric that does not exist, a value that is negative or
 * beyond belief, is a 400 naming the place, and nothing of the batch counts. 413 past
 * {@code max_body} ({@link VitalsRateFilter} answers 429 past the client's rate). 204 otherwise.
 */
@Path(VitalsResource.PATH)
public final class VitalsResource {

    static final String PATH = "/api/vitals";

    /** What a report may hold (web-vitals 5 and 6); the metric's name and bounds are checked in code, with their own messages. */
    private static final String REPORT_SCHEMA = """
            {
              "type": "object",
              "required": ["name", "value"],
              "properties": {
                "name": {"type": "string"},
                "value": {"type": "number"},
                "rating": {"enum": ["good", "needs-improvement", "poor"]},
                "delta": {"type": "number"},
                "id": {"type": "string", "maxLength": 128},
                "navigationId": {"type": "string", "maxLength": 128},
                "navigationType": {"enum": ["navigate", "reload", "back-forward", "back-forward-cache", "prerender", "restore"]},
                "page": {"type": "string", "maxLength": 2048},
                "entries": {"type": "array"},
                "attribution": {"type": "object"}
              }
            }""";

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final int MAX_BATCH = 100;

    private final WebVitals vitals;
    private final int maxBody;
    private final Schemas.JsonSchema schema;

    VitalsResource(WebVitals vitals, int maxBody, Schemas schemas) {
        this.vitals = vitals;
        this.maxBody = maxBody;
        this.schema = schemas.compile(JSON.readTree(REPORT_SCHEMA));
    }

    @POST
    @Consumes({"application/json", "text/plain"})
    public Response report(InputStream body, @HeaderParam("Referer") String referer) throws IOException {
        byte[] bytes = body.readNBytes(maxBody + 1);
        if (bytes.length > maxBody) {
            // Read the rest (the host's limits.max_request_body bounds it), so the client gets this
            // answer instead of a connection reset while it is still sending.
            body.transferTo(OutputStream.nullOutputStream());
            throw new WebApplicationException("A vitals report is at most " + maxBody + " bytes (performance.vitals.max_body).", 413);
        }
        JsonNode reports;
        try {
            reports = JSON.readTree(bytes);
        } catch (JacksonException e) {
            throw new WebApplicationException("The body is not JSON: " + e.getOriginalMessage(), 400);
        }
        List<JsonNode> batch = new ArrayList<>();
        if (reports != null && reports.isArray()) {
            if (reports.isEmpty() || reports.size() > MAX_BATCH) {
                throw new WebApplicationException("Send 1 to " + MAX_BATCH + " reports in an array; this one has " + reports.size() + ".", 400);
            }
            reports.forEach(batch::add);
        } else if (reports != null && reports.isObject()) {
            batch.add(reports);
        } else {
            throw new WebApplicationException("Send a web-vitals report (an object with name and value) or an array of them.", 400);
        }
        boolean array = reports.isArray();
        List<Checked> checked = new ArrayList<>(batch.size());
        for (int i = 0; i < batch.size(); i++) {
            checked.add(check(batch.get(i), array ? "/" + i : "", referer));
        }
        for (Checked report : checked) {
            vitals.record(report.metric(), report.page(), report.value());
        }
        return Response.noContent().build();
    }

    private record Checked(WebVitals.Metric metric, String page, double value) {
    }

    private Checked check(JsonNode report, String at, String referer) {
        List<Schemas.Violation> violations = schema.validate(report);
        if (!violations.isEmpty()) {
            throw new WebApplicationException(violations.getFirst().under(at) + ".", 400);
        }
        String name = report.get("name").asString();
        WebVitals.Metric metric = WebVitals.Metric.parse(name);
        if (metric == null) {
            throw new WebApplicationException(at + "/name: there is no metric '" + name + "' (LCP, INP, CLS, FCP, TTFB; FID is gone since web-vitals 4).", 400);
        }
        double value = report.get("value").asDouble();
        if (!Double.isFinite(value) || value < 0 || value > metric.max) {
            throw new WebApplicationException(at + "/value: " + report.get("value") + " is not a believable " + metric.name()
                    + " (0 to " + (long) metric.max + (metric.time ? " ms" : "") + ").", 400);
        }
        return new Checked(metric, WebVitals.page(report.path("page").asString(null), referer), value);
    }
}
