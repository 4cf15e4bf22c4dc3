package dev.switchboard.plugins.hello;

import io.micrometer.core.instrument.Counter;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

/** {@code GET /api/hello?name=Ada} → {@code {"message":"Hello, Ada!","version":"0.1.0"}} */
@Path("/api/hello")
@Produces(MediaType.APPLICATION_JSON)
public final class HelloResource {

    /** The JSON answer; a record serializes as an object with these fields. */
    public record Greeting(String message, String version) {
    }

    private final HelloConfig config;
    private final String version;
    private final Counter greetings;

    HelloResource(HelloConfig config, String version, Counter greetings) {
        this.config = config;
        this.version = version;
        this.greetings = greetings;
    }

    @GET
    public Greeting greet(@QueryParam("name") @DefaultValue("world") String name) {
        greetings.increment();
        return new Greeting(config.greeting() + ", " + name + "!", version);
    }
}
