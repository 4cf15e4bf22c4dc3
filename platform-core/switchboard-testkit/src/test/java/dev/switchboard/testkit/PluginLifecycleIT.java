package dev.switchboard.testkit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class PluginLifecycleIT {

    @RegisterExtension
    SwitchboardExtension switchboard = SwitchboardExtension.builder().set("greeter.greeting", "Hi").build();

    @TempDir
    Path jars;

    @Test
    void aDroppedJarGoesLiveIsReplacedAndRemoved() throws Exception {
        assertThat(switchboard.get("/api/greeter").statusCode()).isEqualTo(404);

        switchboard.deploy(Fixtures.greeter(jars, "1.0.0"), "greeter.jar");
        PluginStatus v1 = switchboard.awaitState("greeter", PluginState.STARTED, "1.0.0");
        assertThat(v1.routes())
                .contains("GET /api/greeter", "POST /api/greeter/echo");
        HttpResponse<String> greeting = switchboard.get("/api/greeter?name=Ada");
        assertThat(greeting.statusCode()).isEqualTo(200);
        assertThat(greeting.body()).contains("Hi, Ada").contains("1.0.0");
        assertThat(greeting.headers().firstValue("X-Greeter")).hasValue("1.0.0");

        switchboard.deploy(Fixtures.greeter(jars, "2.0.0"), "greeter.jar");
        switchboard.awaitState("greeter", PluginState.STARTED, "2.0.0");
        assertThat(switchboard.get("/api/greeter").body()).contains("2.0.0");

        switchboard.undeploy("greeter.jar");
        switchboard.awaitAbsent("greeter");
        assertThat(switchboard.get("/api/greeter").statusCode()).isEqualTo(404);
    }
}
