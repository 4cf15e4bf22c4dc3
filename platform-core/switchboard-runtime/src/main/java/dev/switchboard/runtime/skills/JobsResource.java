package dev.switchboard.runtime.skills;

import dev.switchboard.api.Principal;
import dev.switchboard.api.SkillException;
import dev.switchboard.runtime.gateway.Callers;
import dev.switchboard.runtime.http.Bodies;
import dev.switchboard.runtime.http.ClientJson;
import dev.switchboard.runtime.http.Problems;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;
import tools.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code /api/jobs}: two-phase streaming of long skill calls. {@code POST} answers 202 at once with
 * the job's stream; {@code GET /{id}/events} streams {@code connected}, {@code progress},
 * {@code delta}, then {@code complete} or {@code error}; {@code DELETE /{id}} cancels. Only the
 * job's owner may see or cancel it.
 */
@Path("/api/jobs")
@Produces(MediaType.APPLICATION_JSON)
public final class JobsResource {

    private final JobManager jobs;
    private final long maxInputSize;

    public JobsResource(JobManager jobs, long maxInputSize) {
        this.jobs = jobs;
        this.maxInputSize = maxInputSize;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Response create(InputStream body, @Context HttpServletRequest request) throws IOException {
        Principal caller = Callers.require(request);
        JsonNode requested = ClientJson.read(Bodies.readLimited(body, request.getContentLengthLong(), maxInputSize,
                "skills.max_input_size"));
        if (requested == null || !requested.isObject() || !requested.path("skill").isString() || !requested.has("input")) {
            throw Problems.exception(400, "Send {\"skill\": <name>, \"input\": <the skill's input>}.");
        }
        Job job;
        try {
            job = jobs.create(requested.get("skill").stringValue(), requested.get("input"), caller);
        } catch (SkillException e) {
            throw SkillsResource.problem(e);
        } catch (JobManager.RateLimited e) {
            throw new jakarta.ws.rs.WebApplicationException(e.getMessage(), Response.fromResponse(Problems.response(429, e.getMessage()))
                    .header("Retry-After", Long.toString(e.retryAfterSeconds)).build());
        }
        String stream = "/api/jobs/" + job.id + "/events";
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("jobId", job.id);
        answer.put("streamUrl", stream);
        answer.put("state", job.state().name().toLowerCase());
        return Response.accepted(answer).location(URI.create("/api/jobs/" + job.id)).build();
    }

    @GET
    @Path("/{id}")
    public Map<String, Object> status(@PathParam("id") String id, @Context HttpServletRequest request) {
        Job job = owned(id, request);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("jobId", job.id);
        answer.put("skill", job.skill);
        answer.put("state", job.state().name().toLowerCase());
        answer.put("created", job.created.toString());
        answer.put("finished", job.finished() == null ? null : job.finished().toString());
        return answer;
    }

    @GET
    @Path("/{id}/events")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    public void events(@PathParam("id") String id, @HeaderParam("Last-Event-ID") String lastEventId,
                       @Context HttpServletRequest request, @Context SseEventSink sink, @Context Sse sse) {
        Job job = owned(id, request);
        long after = 0;
        if (lastEventId != null && !lastEventId.isBlank()) {
            try {
                after = Long.parseLong(lastEventId.strip());
            } catch (NumberFormatException e) {
                throw Problems.exception(400, "Last-Event-ID " + Problems.echo(lastEventId) + " is not an event id of this job.");
            }
        }
        job.subscribe(sink, sse, after);
    }

    @DELETE
    @Path("/{id}")
    public Map<String, Object> cancel(@PathParam("id") String id, @Context HttpServletRequest request) {
        Job job = owned(id, request);
        if (job.state() == Job.State.RUNNING) {
            jobs.cancel(job);
        }
        return Map.of("jobId", job.id, "state", job.state().name().toLowerCase());
    }

    private Job owned(String id, HttpServletRequest request) {
        Principal caller = Callers.require(request);
        Job job = jobs.get(id).orElseThrow(() -> Problems.exception(404, "There is no job " + Problems.echo(id) + " (or it expired)."));
        if (!job.owner.equals(caller.id())) {
            throw Problems.exception(403, "The job '" + id + "' belongs to someone else.");
        }
        return job;
    }
}
