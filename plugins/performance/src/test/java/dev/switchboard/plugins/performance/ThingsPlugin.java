package dev.switchboard.plugins.performance;

import dev.switchboard.testkit.PluginJarBuilder;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A plugin serving {@code GET /api/things/{id: [0-9]+}} (the id back, as JSON),
 * {@code POST /api/things} (201) and {@code GET /api/things/broken} (500): routes with a template
 * for the request timer to name.
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
                        }
                    }
                    """).build(Files.createTempDirectory("things-plugin"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
