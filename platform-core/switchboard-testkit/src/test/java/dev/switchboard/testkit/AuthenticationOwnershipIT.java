package dev.switchboard.testkit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpRequest;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A plugin that authenticates in a gateway filter and contributes no authenticator still turns
 * the loopback development principal off, for exactly as long as it is live, once it declares
 * {@code Platform.ownAuthentication()}.
 */
class AuthenticationOwnershipIT {

    @RegisterExtension
    SwitchboardExtension switchboard = SwitchboardExtension.builder().build();

    @TempDir
    Path jars;

    private Path gatekeeper() {
        return PluginJarBuilder.plugin("gatekeeper", "1.0.0")
                .source("""
                        package fixtures.gatekeeper;

                        import dev.switchboard.api.*;
                        import java.util.Set;

                        @org.pf4j.Extension
                        public class Entry implements SwitchboardPlugin {
                            public void start(Platform platform) {
                                platform.ownAuthentication();
                                platform.filter(new GatewayFilter() {
                                    public int priority() { return 1000; }
                                    public void filter(GatewayExchange exchange, GatewayChain chain) throws Exception {
                                        exchange.header("X-Test-User").ifPresent(user -> exchange.authenticate(new Principal(user, Set.of())));
                                        chain.proceed();
                                    }
                                });
                            }
                        }
                        """)
                .build(jars);
    }

    @Test
    void theDevelopmentPrincipalIsOffWhileTheOwnerIsLive() throws Exception {
        assertThat(switchboard.get("/api/skills").statusCode()).as("the development principal, before").isEqualTo(200);

        switchboard.deploy(gatekeeper());
        switchboard.awaitState("gatekeeper", PluginState.STARTED, "1.0.0");
        assertThat(switchboard.get("/api/skills").statusCode()).as("anonymous while the owner is live").isEqualTo(401);
        assertThat(switchboard.send(HttpRequest.newBuilder(switchboard.uri("/api/skills")).header("X-Test-User", "alice").GET().build()).statusCode())
                .as("authenticated by the owner's filter").isEqualTo(200);

        switchboard.send(switchboard.admin("/admin/plugins/gatekeeper/disable").POST(HttpRequest.BodyPublishers.noBody()).build());
        switchboard.awaitState("gatekeeper", PluginState.DISABLED, "1.0.0");
        assertThat(switchboard.get("/api/skills").statusCode()).as("the development principal, after").isEqualTo(200);
    }
}
