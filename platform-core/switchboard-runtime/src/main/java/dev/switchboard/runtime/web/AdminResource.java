package dev.switchboard.runtime.web;

import dev.switchboard.runtime.http.Problems;
import dev.switchboard.runtime.plugins.LeakDetector;
import dev.switchboard.runtime.plugins.PluginManager;
import dev.switchboard.runtime.plugins.PluginOperationException;
import dev.switchboard.runtime.plugins.PluginView;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriBuilder;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;

import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The admin API: plugins (list, inspect, upload, enable, disable, reload, delete), leaks, and a
 * stream of plugin events. Access is checked by {@link AdminAccessFilter}.
 */
@Path("/admin")
@Produces(MediaType.APPLICATION_JSON)
public final class AdminResource {

    /** Content types accepted for a jar upload. */
    static final List<String> JAR_TYPES = List.of("application/java-archive", "application/x-java-archive",
            "application/octet-stream", "application/zip");
    private static final Pattern DISPOSITION_FILENAME = Pattern.compile("filename\\s*=\\s*\"?([^\";]+)\"?", Pattern.CASE_INSENSITIVE);

    private final PluginManager plugins;
    private final AdminEvents events;
    private final Map<String, Object> about;
    private final Instant startedAt = Instant.now();

    public AdminResource(PluginManager plugins, AdminEvents events, Map<String, Object> about) {
        this.plugins = plugins;
        this.events = events;
        this.about = Map.copyOf(about);
    }

    @GET
    public Map<String, Object> about() {
        Map<String, Object> body = new LinkedHashMap<>(about);
        body.put("uptime", Duration.between(startedAt, Instant.now()).toSeconds() + "s");
        body.put("generation", plugins.current().number());
        body.put("plugins", plugins.list().size());
        return body;
    }

    @GET
    @Path("/plugins")
    public Map<String, Object> list() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("generation", plugins.current().number());
        body.put("plugins", plugins.list());
        return body;
    }

    @GET
    @Path("/plugins/{id}")
    public PluginView get(@PathParam("id") String id) {
        return plugins.get(id).orElseThrow(() -> new PluginOperationException(404, "No plugin with id '" + id + "'."));
    }

    /**
     * Installs a plugin from the raw jar in the body. {@code filename} (or a Content-Disposition
     * file name) names the file in the plugin directory; {@code replace=true} allows replacing an
     * installed plugin with the same id.
     */
    @POST
    @Path("/plugins")
    public Response upload(InputStream body,
                           @HeaderParam("Content-Type") String contentType,
                           @HeaderParam("Content-Disposition") String disposition,
                           @QueryParam("filename") String fileName,
                           @QueryParam("replace") @DefaultValue("false") String replace) {
        String type = contentType == null ? "" : contentType.split(";")[0].strip().toLowerCase();
        if (!JAR_TYPES.contains(type)) {
            throw new PluginOperationException(415, "Send the plugin jar as the raw request body with Content-Type: application/java-archive"
                    + (type.isEmpty() ? "." : " (got " + type + ")."));
        }
        if (!"true".equalsIgnoreCase(replace) && !"false".equalsIgnoreCase(replace)) {
            throw new PluginOperationException(400, "The replace parameter must be true or false.");
        }
        String name = fileName;
        if (name == null && disposition != null) {
            Matcher matcher = DISPOSITION_FILENAME.matcher(disposition);
            if (matcher.find()) {
                name = matcher.group(1).strip();
            }
        }
        PluginManager.Upload upload = plugins.upload(body, name, Boolean.parseBoolean(replace));
        Response.ResponseBuilder response = upload.created()
                ? Response.created(UriBuilder.fromPath("/admin/plugins/{id}").build(upload.plugin().id()))
                : Response.ok();
        return response.entity(upload.plugin()).type(MediaType.APPLICATION_JSON).build();
    }

    @POST
    @Path("/plugins/{id}/enable")
    public PluginView enable(@PathParam("id") String id) {
        return plugins.enable(id);
    }

    @POST
    @Path("/plugins/{id}/disable")
    public PluginView disable(@PathParam("id") String id) {
        return plugins.disable(id);
    }

    @POST
    @Path("/plugins/{id}/reload")
    public PluginView reload(@PathParam("id") String id) {
        return plugins.reload(id);
    }

    @DELETE
    @Path("/plugins/{id}")
    public Response delete(@PathParam("id") String id) {
        plugins.delete(id);
        return Response.noContent().build();
    }

    @GET
    @Path("/leaks")
    public LeakDetector.Summary leaks() {
        return plugins.leaks();
    }

    @GET
    @Path("/events")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    public void events(@Context SseEventSink sink, @Context Sse sse) {
        events.subscribe(sink, sse);
    }

    /** Maps the manager's refusals to problem responses. */
    @jakarta.ws.rs.ext.Provider
    public static final class OperationExceptionMapper implements jakarta.ws.rs.ext.ExceptionMapper<PluginOperationException> {
        @Override
        public Response toResponse(PluginOperationException exception) {
            return Problems.response(exception.status(), exception.getMessage());
        }
    }
}
