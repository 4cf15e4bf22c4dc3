package dev.switchboard.runtime.skills;

import dev.switchboard.api.Principal;
import dev.switchboard.api.SkillException;
import dev.switchboard.api.SkillResult;
import dev.switchboard.runtime.gateway.Callers;
import dev.switchboard.runtime.http.Bodies;
import dev.switchboard.runtime.http.ClientJson;
import dev.switchboard.runtime.http.Problems;
import dev.switchboard.runtime.http.Timings;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import tools.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.InputStream;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code /api/skills}: the skills a caller may use, their descriptions, and synchronous invocation. */
@Path("/api/skills")
@Produces(MediaType.APPLICATION_JSON)
public final class SkillsResource {

    private final SkillRegistry registry;
    private final long maxInputSize;

    public SkillsResource(SkillRegistry registry, long maxInputSize) {
        this.registry = registry;
        this.maxInputSize = maxInputSize;
    }

    @GET
    public Map<String, Object> list(@Context HttpServletRequest request) {
        Principal caller = Callers.require(request);
        List<Map<String, Object>> skills = new ArrayList<>();
        for (SkillView skill : registry.views()) {
            if (SkillRegistry.allowed(skill.manifest(), caller)) {
                skills.add(summary(skill));
            }
        }
        return Map.of("skills", skills);
    }

    @GET
    @Path("/{name}")
    public Map<String, Object> get(@PathParam("name") String name, @Context HttpServletRequest request) {
        Principal caller = Callers.require(request);
        SkillView view = registry.view(name).orElseThrow(() -> Problems.exception(404, "There is no skill " + Problems.echo(name) + "."));
        SkillManifest skill = view.manifest();
        if (!SkillRegistry.allowed(skill, caller)) {
            throw Problems.exception(403, "'" + caller.id() + "' may not use the skill " + name + ": that takes one of the roles " + skill.roles() + ".");
        }
        Map<String, Object> details = summary(view);
        details.put("inputSchema", skill.inputSchema());
        details.put("outputSchema", skill.outputSchema());
        details.put("timeoutMs", skill.timeout().toMillis());
        details.put("cache", Map.of("enabled", skill.cache().enabled(), "ttlMs", skill.cache().ttl().toMillis(),
                "maxEntries", skill.cache().maxEntries()));
        details.put("documentation", skill.documentation());
        return details;
    }

    @POST
    @Path("/{name}/invoke")
    @Consumes(MediaType.APPLICATION_JSON)
    public Map<String, Object> invoke(@PathParam("name") String name, InputStream body, @Context HttpServletRequest request)
            throws IOException {
        Principal caller = Callers.require(request);
        byte[] bytes = Bodies.readLimited(body, request.getContentLengthLong(), maxInputSize, "skills.max_input_size");
        JsonNode input = ClientJson.read(bytes);
        if (input == null) {
            throw Problems.exception(400, "Send the skill's input as the JSON body.");
        }
        try {
            long started = System.nanoTime();
            SkillResult result = registry.invoke(name, input, caller, null);
            // Server-Timing: a cache hit, or the skill's run.
            Timings.since(request, result.cached() ? "cache" : "skill", started, result.cached() ? "hit" : name);
            Map<String, Object> metadata = new LinkedHashMap<>();
            metadata.put("cached", result.cached());
            metadata.put("durationMs", result.durationMillis());
            metadata.put("version", result.version());
            metadata.put("contentHash", result.contentHash());
            metadata.put("fallback", result.fallback());
            Map<String, Object> answer = new LinkedHashMap<>();
            answer.put("output", result.output());
            answer.put("metadata", metadata);
            return answer;
        } catch (SkillException e) {
            throw problem(e);
        }
    }

    /** What {@code Retry-After} says to a call that waited for a loading skill in vain: a Python warm-up takes seconds. */
    static final int LOADING_RETRY_AFTER_SECONDS = 5;

    /**
     * The HTTP face of a skill error: the caller's mistakes are 4xx, the skill's 5xx, with its
     * message. A skill still loading is 503 with {@code Retry-After}; one that failed to load, 503.
     */
    static WebApplicationException problem(SkillException e) {
        int status = switch (e.kind()) {
            case NOT_FOUND -> 404;
            case FORBIDDEN -> 403;
            case INVALID_INPUT -> 400;
            case TIMEOUT -> 504;
            case CANCELLED, LOADING, UNAVAILABLE -> 503;
            case FAILED, OUTPUT_INVALID -> 500;
        };
        Map<String, Object> extras = new LinkedHashMap<>();
        extras.put("kind", e.kind().name().toLowerCase());
        if (!e.violations().isEmpty()) {
            extras.put("violations", e.violations());
        }
        Response response = Problems.response(status, e.getMessage(), extras);
        if (e.kind() == SkillException.Kind.LOADING) {
            response = Response.fromResponse(response).header("Retry-After", LOADING_RETRY_AFTER_SECONDS).build();
        }
        return new WebApplicationException(e.getMessage(), response);
    }

    private static Map<String, Object> summary(SkillView view) {
        SkillManifest skill = view.manifest();
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("name", skill.name());
        summary.put("description", skill.description());
        summary.put("version", skill.version());
        summary.put("runtime", skill.runtime().name().toLowerCase());
        summary.put("contentHash", skill.contentHash());
        summary.put("roles", skill.roles());
        summary.put("state", view.status().label());
        if (view.reason() != null) {
            summary.put("reason", view.reason());
        }
        return summary;
    }
}
