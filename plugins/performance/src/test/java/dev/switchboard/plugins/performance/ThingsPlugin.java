package dev.switchboard.plugins.performance;

import dev.switchboard.testkit.PluginJarBuilder;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A plugin serving {@code GET /api/things/{id: [0-9]+}} (the id back, as JSON),
 * {@code POST /api/things} (201) and {@code GET /api/things/broken} (500): routes with a template
 * for the request timer to name; {@code GET /api/things/list?n=} (a JSON array of n things, about
 * 36 bytes each) and {@code GET /api/things/packed} (200 things, gzipped by the route itself) for
 * compression; and a Java skill, {@code describe-thing} (cached, the host's defaults).
 */
final class ThingsPlugin {

    private ThingsPlugin() {
    }

    static Path build() {
        try {
            return PluginJarBuilder.plugin("things", "1.0.0").requires(">=0.1.0").source("""
                    package test.things;

                    import dev.switchboard.api.*;
                    import jakarta.ws.rs.*;
                    import jakarta.ws.rs.core.*;
                    import org.pf4j.Extension;

                    @Extension
                    public class ThingsPlugin implements SwitchboardPlugin {
                        @Override
                        public void start(Platform platform) {
                            platform.jaxrs(new Things());
                            platform.skill(SkillDefinition.builder("describe-thing",
                                    (input, context) -> tools.jackson.databind.node.JsonNodeFactory.instance.objectNode()
                                            .put("thing", "thing number " + input.path("id").asInt()))
                                    .description("Names a thing.").build());
                        }

                        @Path("/api/things")
                        public static class Things {
                            @GET
                            @Path("/{id: [0-9]+}")
                            @Produces("application/json")
                            public String thing(@PathParam("id") String id) {
                                return "{\\"id\\":" + id + "}";
                            }

                            @POST
                            public Response make() {
                                return Response.status(201).build();
                            }

                            @GET
                            @Path("/broken")
                            public String broken() {
                                throw new IllegalStateException("broken on purpose");
                            }

                            @GET
                            @Path("/list")
                            @Produces("application/json")
                            public String list(@QueryParam("n") @DefaultValue("100") int n) {
                                StringBuilder json = new StringBuilder("[");
                                for (int i = 0; i < n; i++) {
                                    json.append(i == 0 ? "" : ",").append("{\\"id\\":").append(i).append(",\\"name\\":\\"thing number ").append(i).append("\\"}");
                                }
                                return json.append("]").toString();
                            }

                            @GET
                            @Path("/packed")
                            public Response packed() throws java.io.IOException {
                                java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
                                try (java.util.zip.GZIPOutputStream gzip = new java.util.zip.GZIPOutputStream(bytes)) {
                                    gzip.write(list(200).getBytes(java.nio.charset.StandardCharsets.UTF_8));
                                }
                                return Response.ok(bytes.toByteArray(), "application/json").header("Content-Encoding", "gzip").build();
                            }
                        }
                    }
                    """).build(Files.createTempDirectory("things-plugin"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
