package dev.switchboard.testkit;

import java.nio.file.Path;

/** Plugin jars the integration tests deploy, compiled from source at test time. */
final class Fixtures {

    private Fixtures() {
    }

    /**
     * A plugin with a route ({@code GET /api/greeter}), a gateway filter (adds
     * {@code X-Greeter: <version>} to every response it sees) and a health check. The version is
     * compiled into the code, so two versions are two different sets of classes.
     */
    static Path greeter(Path dir, String version) {
        return PluginJarBuilder.plugin("greeter", version)
                .requires(">=0.1.0")
                .configSchema("""
                        {"type":"object","additionalProperties":false,"properties":{
                          "greeting":{"type":"string","default":"Hello","description":"How to greet"}}}""")
                .source("""
                        package fixtures.greeter;

                        import dev.switchboard.api.*;
                        import org.pf4j.Extension;

                        @Extension
                        public class GreeterPlugin implements SwitchboardPlugin {
                            public record Settings(String greeting) {}

                            @Override
                            public void start(Platform platform) {
                                Settings settings = platform.config().bind(Settings.class);
                                platform.jaxrs(new GreeterResource(settings.greeting()));
                                platform.filter(new VersionFilter());
                                platform.healthCheck("greetings", () -> Health.up("ready to greet"));
                            }
                        }
                        """)
                .source("""
                        package fixtures.greeter;

                        import jakarta.ws.rs.*;
                        import jakarta.ws.rs.core.MediaType;
                        import java.util.Map;

                        @Path("/api/greeter")
                        @Produces(MediaType.APPLICATION_JSON)
                        public class GreeterResource {
                            private final String greeting;

                            public GreeterResource(String greeting) {
                                this.greeting = greeting;
                            }

                            @GET
                            public Map<String, String> greet(@QueryParam("name") @DefaultValue("world") String name) {
                                return Map.of("message", greeting + ", " + name, "version", "%s");
                            }

                            @GET
                            @Path("/slow")
                            public Map<String, String> slow(@QueryParam("ms") @DefaultValue("200") long ms) throws InterruptedException {
                                Thread.sleep(ms);
                                return Map.of("version", "%s");
                            }

                            @POST
                            @Path("/echo")
                            @Consumes(MediaType.TEXT_PLAIN)
                            @Produces(MediaType.TEXT_PLAIN)
                            public String echo(String body) {
                                return body;
                            }
                        }
                        """.formatted(version, version))
                .source("""
                        package fixtures.greeter;

                        import dev.switchboard.api.*;

                        public class VersionFilter implements GatewayFilter {
                            @Override
                            public int priority() {
                                return 100;
                            }

                            @Override
                            public void filter(GatewayExchange exchange, GatewayChain chain) throws Exception {
                                exchange.setResponseHeader("X-Greeter", "%s");
                                if (exchange.queryParam("deny").isPresent()) {
                                    exchange.respondProblem(403, "denied by the greeter filter");
                                    return;
                                }
                                chain.proceed();
                            }
                        }
                        """.formatted(version))
                .fileName("greeter-" + version + ".jar")
                .build(dir);
    }

    /** A minimal plugin with one route, {@code GET <path>}, answering its id. */
    static Path simple(Path dir, String id, String version, String path) {
        String pkg = "fixtures." + id.replace('-', '_');
        return PluginJarBuilder.plugin(id, version)
                .source("""
                        package %1$s;

                        import dev.switchboard.api.*;
                        import org.pf4j.Extension;

                        @Extension
                        public class Entry implements SwitchboardPlugin {
                            @Override
                            public void start(Platform platform) {
                                platform.jaxrs(new Routes());
                            }
                        }
                        """.formatted(pkg))
                .source("""
                        package %1$s;

                        import jakarta.ws.rs.*;

                        @Path("%2$s")
                        public class Routes {
                            @GET
                            @Produces("text/plain")
                            public String get() {
                                return "%3$s %4$s";
                            }
                        }
                        """.formatted(pkg, path, id, version))
                .build(dir);
    }

    /** The smallest valid entry point: starts and contributes nothing. */
    static String minimalEntry(String pkg) {
        return """
                package %s;

                import dev.switchboard.api.*;

                @org.pf4j.Extension
                public class Entry implements SwitchboardPlugin {
                    @Override
                    public void start(Platform platform) {
                    }
                }
                """.formatted(pkg);
    }

    /** A do-nothing plugin with the given id and, when not null, Plugin-Requires and Plugin-Dependencies. */
    static Path greeterVariant(Path dir, String id, String requires, String dependencies) {
        PluginJarBuilder builder = PluginJarBuilder.plugin(id, "1.0.0").source(minimalEntry("fixtures." + id));
        if (requires != null) {
            builder.requires(requires);
        }
        if (dependencies != null) {
            builder.dependencies(dependencies);
        }
        return builder.build(dir);
    }

    /** A plugin {@code id} 1.0.0 whose entry class {@code className} runs {@code startBody} in start(). */
    static PluginJarBuilder startingWith(String id, String className, String startBody) {
        return PluginJarBuilder.plugin(id, "1.0.0").source("""
                package fixtures.%1$s;

                import dev.switchboard.api.*;

                @org.pf4j.Extension
                public class %2$s implements SwitchboardPlugin {
                    @Override
                    public void start(Platform platform) {
                %3$s    }
                }
                """.formatted(id, className, startBody.indent(8)));
    }
}
