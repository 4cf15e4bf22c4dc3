package dev.switchboard.testkit.events;

import dev.switchboard.testkit.PluginState;
import dev.switchboard.testkit.PluginJarBuilder;
import dev.switchboard.testkit.SwitchboardExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.util.List;

import static dev.switchboard.testkit.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A plugin's event subscription across its life: it sees what others publish once it is live,
 * the version that replaces it takes over, and nothing of it is left once it stops.
 */
class EventSubscriptionIT {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @RegisterExtension
    SwitchboardExtension switchboard = SwitchboardExtension.builder()
            .principal("pub-token", "svc", "publisher")
            .build();

    @TempDir
    Path jars;

    /** Subscribes to learning.events and shows, at GET /api/tally, the types it saw. */
    private Path tally(String version) {
        return PluginJarBuilder.plugin("tally", version)
                .source("""
                        package fixtures.tally;

                        import dev.switchboard.api.*;
                        import jakarta.ws.rs.*;
                        import jakarta.ws.rs.core.MediaType;
                        import java.util.*;
                        import java.util.concurrent.CopyOnWriteArrayList;

                        @org.pf4j.Extension
                        public class Entry implements SwitchboardPlugin {
                            @Override
                            public void start(Platform platform) {
                                List<String> seen = new CopyOnWriteArrayList<>();
                                platform.events().subscribe(Set.of("learning.events"), event -> seen.add(event.type()));
                                platform.jaxrs(new Tally(seen));
                            }

                            @Path("/api/tally")
                            public static class Tally {
                                private final List<String> seen;

                                Tally(List<String> seen) {
                                    this.seen = seen;
                                }

                                @GET
                                @Produces(MediaType.APPLICATION_JSON)
                                public Map<String, Object> get() {
                                    return Map.of("version", "%s", "seen", List.copyOf(seen));
                                }
                            }
                        }
                        """.formatted(version))
                .fileName("tally.jar")
                .build(jars);
    }

    @Test
    void theSubscriptionFollowsThePluginVersion() throws Exception {
        switchboard.deploy(tally("1.0.0"));
        switchboard.awaitState("tally", PluginState.STARTED, "1.0.0");
        publish("first");
        eventually(() -> seen("1.0.0").contains("first"));

        switchboard.deploy(tally("2.0.0"));
        switchboard.awaitState("tally", PluginState.STARTED, "2.0.0");
        publish("second");
        eventually(() -> seen("2.0.0").contains("second"));
        assertThat(seen("2.0.0")).as("the new version sees what was published once it was live").doesNotContain("first");
        eventually(() -> subscriptions() == 1);

        switchboard.send(switchboard.admin("/admin/plugins/tally/disable").POST(HttpRequest.BodyPublishers.noBody()).build());
        switchboard.awaitState("tally", PluginState.DISABLED, "2.0.0");
        assertThat(subscriptions()).as("closed when the version stopped").isZero();
    }

    private void publish(String type) throws Exception {
        assertThat(switchboard.publish("pub-token", "learning.events", "{\"type\":\"" + type + "\",\"data\":1}").statusCode())
                .isEqualTo(200);
    }

    private List<String> seen(String version) throws Exception {
        JsonNode tally = JSON.readTree(switchboard.send(switchboard.as("pub-token", "/api/tally").GET().build()).body());
        if (!version.equals(tally.path("version").asString())) {
            return List.of();
        }
        return tally.get("seen").valueStream().map(JsonNode::asString).toList();
    }

    private double subscriptions() {
        return switchboard.meters().get("switchboard.events.subscriptions").gauge().value();
    }
}
