package dev.switchboard.runtime.events;

import dev.switchboard.runtime.http.Problems;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import java.util.List;
import java.util.Map;

/**
 * {@code /admin/streams}: the open event streams, and disconnecting a principal's (after revoking
 * its access, say; its clients reconnect and are authenticated afresh). Guarded like all of /admin.
 */
@Path("/admin/streams")
@Produces(MediaType.APPLICATION_JSON)
public final class StreamsAdminResource {

    private final EventHub hub;

    public StreamsAdminResource(EventHub hub) {
        this.hub = hub;
    }

    @GET
    public List<StreamView> list() {
        return hub.describeStreams();
    }

    @DELETE
    public Map<String, Object> disconnect(@QueryParam("principal") String principal) {
        if (principal == null || principal.isBlank()) {
            throw Problems.exception(400, "principal: required, the id whose streams to end.");
        }
        return Map.of("principal", principal, "disconnected", hub.disconnect(principal));
    }
}
