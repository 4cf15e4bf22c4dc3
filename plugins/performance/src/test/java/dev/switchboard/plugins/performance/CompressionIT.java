package dev.switchboard.plugins.performance;

import com.aayushatharva.brotli4j.Brotli4jLoader;
import com.aayushatharva.brotli4j.decoder.Decoder;
import com.aayushatharva.brotli4j.decoder.DecoderJNI;
import com.aayushatharva.brotli4j.decoder.DirectDecompress;
import com.github.luben.zstd.ZstdInputStream;
import dev.switchboard.testkit.SseClient;
import dev.switchboard.testkit.SwitchboardExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Compression with the plugin's defaults (zstd 3, brotli 4, gzip 6 from 1 024 bytes), checked with
 * real decoders: the JDK's gzip, brotli4j's and zstd-jni's (the libraries the host compresses
 * with), and curl's.
 */
class CompressionIT {

    @RegisterExtension
    static SwitchboardExtension switchboard = MetricsIT.host().build();

    /** 500 things: about 18 KB of JSON. */
    private static final String LIST = "/api/things/list?n=500";

    private static HttpResponse<byte[]> get(String path, String acceptEncoding) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(switchboard.uri(path)).timeout(Duration.ofSeconds(30));
        if (acceptEncoding != null) {
            request.header("Accept-Encoding", acceptEncoding);
        }
        return switchboard.client().send(request.GET().build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static String plain() throws Exception {
        HttpResponse<byte[]> identity = get(LIST, null);
        assertThat(identity.headers().firstValue("Content-Encoding")).isEmpty();
        return new String(identity.body(), StandardCharsets.UTF_8);
    }

    private static String decode(HttpResponse<byte[]> response) throws IOException {
        String encoding = response.headers().firstValue("Content-Encoding").orElse("identity");
        byte[] body = response.body();
        byte[] decoded = switch (encoding) {
            case "gzip" -> new GZIPInputStream(new ByteArrayInputStream(body)).readAllBytes();
            case "zstd" -> new ZstdInputStream(new ByteArrayInputStream(body)).readAllBytes();
            case "br" -> {
                Brotli4jLoader.ensureAvailability();
                DirectDecompress result = Decoder.decompress(body);
                assertThat(result.getResultStatus()).isEqualTo(DecoderJNI.Status.DONE);
                yield result.getDecompressedData();
            }
            case "identity" -> body;
            default -> throw new AssertionError("unexpected Content-Encoding " + encoding);
        };
        return new String(decoded, StandardCharsets.UTF_8);
    }

    @Test
    void eachEncodingDecodesToTheSameJsonWithVary() throws Exception {
        String plain = plain();
        assertThat(plain.length()).isGreaterThan(15_000);
        for (String encoding : new String[] {"br", "zstd", "gzip"}) {
            HttpResponse<byte[]> response = get(LIST, encoding);
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("Content-Encoding")).as(encoding).hasValue(encoding);
            assertThat(response.headers().allValues("Vary")).anySatisfy(vary -> assertThat(vary).containsIgnoringCase("Accept-Encoding"));
            assertThat(response.body().length).as("%s is smaller than a fifth of the JSON", encoding).isLessThan(plain.length() / 5);
            assertThat(decode(response)).isEqualTo(plain);
        }
    }

    @Test
    void theClientsQValuesComeFirstAndTheServersOrderBreaksTies() throws Exception {
        assertThat(get(LIST, "gzip, deflate, br, zstd").headers().firstValue("Content-Encoding")).as("Chrome's header").hasValue("zstd");
        assertThat(get(LIST, "gzip, deflate, br").headers().firstValue("Content-Encoding")).as("Safari's header").hasValue("br");
        assertThat(get(LIST, "gzip;q=1.0, br;q=0.5").headers().firstValue("Content-Encoding")).hasValue("gzip");
        assertThat(get(LIST, "zstd, gzip;q=0.8").headers().firstValue("Content-Encoding")).hasValue("zstd");
        assertThat(get(LIST, "deflate").headers().firstValue("Content-Encoding")).as("nothing offered that the client takes").isEmpty();
        assertThat(get(LIST, "br;q=0, gzip;q=0").headers().firstValue("Content-Encoding")).as("q=0 refuses").isEmpty();
    }

    @Test
    void garbageQValuesNeverBreakTheAnswer() throws Exception {
        String plain = plain();
        for (String header : new String[] {"br;q=abc, gzip;q=2", "gzip;q=-1", ";;;,,q=", "br;q=1.5;q=0.1", "\u00ff\u00fe"}) {
            HttpResponse<byte[]> response = get(LIST, header);
            assertThat(response.statusCode()).as(header).isEqualTo(200);
            assertThat(decode(response)).as("Accept-Encoding: %s, answered %s", header, response.headers().firstValue("Content-Encoding"))
                    .isEqualTo(plain);
        }
    }

    @Test
    void bothMetricsFormatsAreCompressedTheirVersionParameterNotWithstanding() throws Exception {
        for (String accept : new String[] {"text/plain", MetricsIT.PROMETHEUS_ACCEPT}) {
            HttpResponse<byte[]> scrape = switchboard.client().send(HttpRequest.newBuilder(switchboard.uri("/metrics"))
                    .header("Accept", accept).header("Accept-Encoding", "gzip").GET().build(), HttpResponse.BodyHandlers.ofByteArray());
            assertThat(scrape.headers().firstValue("Content-Encoding")).as(accept).hasValue("gzip");
            assertThat(decode(scrape)).contains("# TYPE switchboard_events_streams_open gauge");
        }
    }

    @Test
    void smallBodiesAndCompressedOnesGoAsTheyAre() throws Exception {
        HttpResponse<byte[]> small = get("/api/things/list?n=5", "br, gzip");
        assertThat(small.headers().firstValue("Content-Encoding")).as("under min_size").isEmpty();

        HttpResponse<byte[]> packed = get("/api/things/packed", "br, gzip");
        assertThat(packed.headers().allValues("Content-Encoding")).as("compressed once, by the route").containsExactly("gzip");
        assertThat(decode(packed)).startsWith("[{\"id\":0,").endsWith("\"thing number 199\"}]");
    }

    @Test
    void theMetricsSayWhatCompressionSaved() throws Exception {
        Exposition before = MetricsIT.scrape(switchboard);
        int plain = plain().length();
        get(LIST, "br");
        get(LIST, "br");
        get("/api/things/packed", "br");
        get("/api/things/list?n=5", "br");
        Exposition after = MetricsIT.scrape(switchboard);
        double in = after.value("switchboard_compression_in_bytes_total", "encoding", "br")
                - before.value("switchboard_compression_in_bytes_total", "encoding", "br");
        double out = after.value("switchboard_compression_out_bytes_total", "encoding", "br")
                - before.value("switchboard_compression_out_bytes_total", "encoding", "br");
        double responses = after.value("switchboard_compression_responses_total", "encoding", "br")
                - before.value("switchboard_compression_responses_total", "encoding", "br");
        assertThat(responses).as("the two lists; not the route's own gzip, not the small one").isEqualTo(2.0);
        assertThat(in).isEqualTo(2.0 * plain);
        assertThat(out).isPositive().isLessThan(in / 5);
    }

    @Test
    void anEventStreamArrivesUncompressedEventByEvent() throws Exception {
        try (SseClient stream = SseClient.open(switchboard.client(), switchboard.uri("/api/events/stream?topics=learning.events"),
                Map.of("Accept-Encoding", "br, gzip"))) {
            stream.expect(Duration.ofSeconds(10));
            assertThat(stream.headers().firstValue("Content-Encoding")).isEmpty();
            for (int i = 0; i < 3; i++) {
                String type = "tick-" + i;
                assertThat(switchboard.publish("any", "learning.events", "{\"type\":\"" + type + "\",\"data\":{\"n\":" + i + "}}").statusCode())
                        .isEqualTo(200);
                assertThat(stream.expect(event -> event.data() != null && event.data().contains(type), Duration.ofSeconds(10)))
                        .as("event %d arrives before the next is published", i).isNotNull();
            }
        }
    }

    @Test
    void curlDecodesWhatItAsksFor() throws Exception {
        String plain = plain();
        for (String encoding : new String[] {"br", "zstd", "gzip"}) {
            Process curl = new ProcessBuilder("curl", "-s", "--compressed", "-H", "Accept-Encoding: " + encoding, "-D", "/dev/stderr",
                    switchboard.uri(LIST).toString()).start();
            String body = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            String headers = new String(curl.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(curl.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(headers).as(encoding).containsIgnoringCase("content-encoding: " + encoding);
            assertThat(body).isEqualTo(plain);
        }
    }
}
