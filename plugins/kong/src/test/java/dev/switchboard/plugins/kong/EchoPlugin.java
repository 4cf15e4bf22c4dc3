package dev.switchboard.plugins.kong;

import dev.switchboard.testkit.PluginJarBuilder;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A plugin serving {@code GET /api/echo[/...]}, answering with Kong's upstream headers as the route
 * sees them, and {@code POST /api/echo/...}, answering with the length and SHA-256 of the body it got.
 */
final class EchoPlugin {

    private EchoPlugin() {
    }

    static Path build(Path home) {
        try {
            return PluginJarBuilder.plugin("echo", "1.0.0").requires(">=0.1.0").source("""
                    package test.echo;

                    import dev.switchboard.api.*;
                    import jakarta.ws.rs.*;
                    import jakarta.ws.rs.core.*;
                    import org.pf4j.Extension;

                    @Extension
                    public class EchoPlugin implements SwitchboardPlugin {
                        @Override
                        public void start(Platform platform) {
                            platform.jaxrs(new Echo());
                        }

                        @Path("/api/echo")
                        public static class Echo {
                            @GET
                            @Produces("application/json")
                            public String root(@Context HttpHeaders headers) {
                                return echo(headers);
                            }

                            @POST
                            @Path("{rest: .+}")
                            @Consumes("*/*")
                            @Produces("text/plain")
                            public String post(byte[] body) throws Exception {
                                byte[] digest = java.security.MessageDigest.getInstance("SHA-256").digest(body);
                                return body.length + ":" + java.util.HexFormat.of().formatHex(digest);
                            }

                            @GET
                            @Path("{rest: .+}")
                            @Produces("application/json")
                            public String echo(@Context HttpHeaders headers) {
                                StringBuilder json = new StringBuilder("{");
                                for (String name : new String[] {"X-Consumer-ID", "X-Consumer-Custom-ID", "X-Consumer-Username",
                                        "X-Credential-Identifier", "X-Anonymous-Consumer"}) {
                                    String value = headers.getHeaderString(name);
                                    if (json.length() > 1) json.append(',');
                                    json.append('"').append(name).append("\\":").append(value == null ? "null" : "\\"" + value + "\\"");
                                }
                                return json.append('}').toString();
                            }
                        }
                    }
                    """).build(Files.createDirectories(home.resolve("echo")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
