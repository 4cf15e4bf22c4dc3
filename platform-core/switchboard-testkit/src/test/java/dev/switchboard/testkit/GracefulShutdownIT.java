package dev.switchboard.testkit;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/** A shutdown lets the requests in flight finish, over HTTP/1.1 and HTTP/2 alike. */
class GracefulShutdownIT {

    @TempDir
    Path jars;

    @ParameterizedTest
    @EnumSource(value = HttpClient.Version.class)
    void inFlightRequestsFinish(HttpClient.Version version) throws Exception {
        SwitchboardExtension switchboard = SwitchboardExtension.builder().build();
        switchboard.start();
        try {
            switchboard.deploy(Fixtures.greeter(jars, "1.0.0"), "greeter.jar");
            switchboard.awaitState("greeter", PluginState.STARTED, "1.0.0");
            HttpClient client = HttpClient.newBuilder().version(version).build();
            // Open the connection (and, for HTTP/2, upgrade it) before the slow request.
            assertThat(client.send(HttpRequest.newBuilder(switchboard.uri("/health/live")).build(),
                    HttpResponse.BodyHandlers.ofString()).version()).isEqualTo(version);
            CompletableFuture<HttpResponse<String>> inFlight = client.sendAsync(
                    HttpRequest.newBuilder(switchboard.uri("/api/greeter/slow?ms=1500")).build(), HttpResponse.BodyHandlers.ofString());
            Thread.sleep(300);
            switchboard.stop();
            HttpResponse<String> response = inFlight.get();
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).contains("1.0.0");
        } finally {
            switchboard.stop();
        }
    }
}
