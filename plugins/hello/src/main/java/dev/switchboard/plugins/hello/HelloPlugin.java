package dev.switchboard.plugins.hello;

import dev.switchboard.api.Health;
import dev.switchboard.api.Platform;
import dev.switchboard.api.SwitchboardPlugin;
import io.micrometer.core.instrument.Counter;
import org.pf4j.Extension;

import java.util.Map;

/**
 * The sample plugin. Everything a plugin contributes is declared here, in {@code start}:
 * a JAX-RS resource (served under {@code /api/hello}), a gateway filter, and a health check.
 */
@Extension
public final class HelloPlugin implements SwitchboardPlugin {

    @Override
    public void start(Platform platform) {
        HelloConfig config = platform.config().bind(HelloConfig.class);
        Counter greetings = Counter.builder("hello.greetings").description("Greetings sent").register(platform.meters());

        platform.jaxrs(new HelloResource(config, platform.plugin().version(), greetings));
        platform.filter(new NameLengthFilter(config.maxNameLength()));
        platform.healthCheck("greetings", () -> Health.up("greeting with '" + config.greeting() + "'")
                .withDetails(Map.of("greeted", (long) greetings.count())));
        platform.log().info("hello {} ready: {}", platform.plugin().version(), config);
    }
}
