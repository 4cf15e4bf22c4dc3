package dev.switchboard.testkit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code GatewayExchange.body(maxBytes)}: a filter reads the body ahead, and the route still gets
 * all of it, as bytes, as a form, and when the body is longer than what the filter read.
 */
class GatewayBodyIT {

    @RegisterExtension
    static SwitchboardExtension switchboard = SwitchboardExtension.builder().plugin(plugin()).build();

    private static Path plugin() {
        try {
            return PluginJarBuilder.plugin("peek", "1.0.0").requires(">=0.1.0").source("""
                    package test.peek;

                    import dev.switchboard.api.*;
                    import jakarta.ws.rs.*;
                    import jakarta.ws.rs.core.*;
                    import org.pf4j.Extension;

                    @Extension
                    public class PeekPlugin implements SwitchboardPlugin {
                        @Override
                        public void start(Platform platform) {
                            platform.filter(new GatewayFilter() {
                                public int priority() { return 100; }
                                public void filter(GatewayExchange exchange, GatewayChain chain) throws Exception {
                                    if (exchange.method().equals("POST")) {
                                        // At most 16 bytes: a longer body is only partly read ahead.
                                        exchange.setResponseHeader("X-Peeked", exchange.body(16).map(b -> "whole " + b.length).orElse("longer than 16"));
                                    }
                                    chain.proceed();
                                }
                            });
                            platform.jaxrs(new Sink());
                        }

                        @Path("/api/sink")
                        public static class Sink {
                            @POST
                            @Path("bytes")
                            @Consumes("*/*")
                            @Produces("text/plain")
                            public String bytes(byte[] body) {
                                return body.length + ":" + new String(body, java.nio.charset.StandardCharsets.UTF_8);
                            }

                            @POST
                            @Path("form")
                            @Consumes("application/x-www-form-urlencoded")
                            @Produces("text/plain")
                            public String form(@FormParam("name") String name, @FormParam("city") String city) {
                                return name + " from " + city;
                            }
                        }
                    }
                    """).build(Files.createTempDirectory("gateway-body-it"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static HttpResponse<String> post(String path, String type, HttpRequest.BodyPublisher body) throws Exception {
        return switchboard.send(HttpRequest.newBuilder(switchboard.uri(path)).header("Content-Type", type).POST(body).build());
    }

    @Test
    void theRouteGetsTheWholeBodyAfterAFilterReadItAhead() throws Exception {
        HttpResponse<String> small = post("/api/sink/bytes", "text/plain", HttpRequest.BodyPublishers.ofString("hello"));
        assertThat(small.headers().firstValue("X-Peeked")).hasValue("whole 5");
        assertThat(small.body()).isEqualTo("5:hello");

        String text = "a body longer than what the filter reads ahead, sent in one piece";
        HttpResponse<String> large = post("/api/sink/bytes", "text/plain", HttpRequest.BodyPublishers.ofString(text));
        assertThat(large.headers().firstValue("X-Peeked")).hasValue("longer than 16");
        assertThat(large.body()).isEqualTo(text.length() + ":" + text);

        byte[] chunked = text.repeat(50).getBytes(StandardCharsets.UTF_8);
        HttpResponse<String> streamed = post("/api/sink/bytes", "text/plain",
                HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(chunked)));
        assertThat(streamed.body()).isEqualTo(chunked.length + ":" + text.repeat(50));
    }

    @Test
    void formsStillParse() throws Exception {
        HttpResponse<String> whole = post("/api/sink/form", "application/x-www-form-urlencoded",
                HttpRequest.BodyPublishers.ofString("name=Al&city=Ur"));
        assertThat(whole.headers().firstValue("X-Peeked")).hasValue("whole 15");
        assertThat(whole.body()).isEqualTo("Al from Ur");
        HttpResponse<String> partly = post("/api/sink/form", "application/x-www-form-urlencoded",
                HttpRequest.BodyPublishers.ofString("name=Ada&city=London"));
        assertThat(partly.headers().firstValue("X-Peeked")).hasValue("longer than 16");
        assertThat(partly.body()).isEqualTo("Ada from London");
    }
}
