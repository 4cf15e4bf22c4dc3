package dev.switchboard.testkit;

import dev.switchboard.runtime.config.ConfigLoader;
import dev.switchboard.runtime.config.ConfigOverride;
import dev.switchboard.runtime.server.Switchboard;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** The optional HTTPS connector: HTTP/2 negotiated by ALPN, HTTP/1.1 as the fallback. */
class TlsIT {

    @TempDir
    Path home;

    @Test
    void servesHttp2AndHttp11OverTls() throws Exception {
        Path keystore = home.resolve("server.p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "switchboard", "-keyalg", "EC", "-groupname", "secp256r1",
                "-dname", "CN=localhost", "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-validity", "2",
                "-storetype", "PKCS12", "-keystore", keystore.toString(), "-storepass", "changeit")
                .inheritIO().start();
        assertThat(keytool.waitFor()).isZero();

        try (Switchboard host = Switchboard.start(ConfigLoader.load(home, Optional.empty(), Map.of(), List.of(
                new ConfigOverride("port", "0", "test"),
                new ConfigOverride("plugins.dir", home.resolve("plugins").toString(), "test"),
                new ConfigOverride("tls.enabled", "true", "test"),
                new ConfigOverride("tls.port", "0", "test"),
                new ConfigOverride("tls.keystore", "server.p12", "test"),
                new ConfigOverride("tls.keystore_password", "changeit", "test"))))) {
            SSLContext trusting = trustOnly(keystore);
            for (HttpClient.Version version : List.of(HttpClient.Version.HTTP_2, HttpClient.Version.HTTP_1_1)) {
                HttpClient client = HttpClient.newBuilder().sslContext(trusting).version(version).build();
                HttpResponse<String> response = client.send(HttpRequest.newBuilder(host.httpsUri().orElseThrow().resolve("/health/live")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(response.statusCode()).isEqualTo(200);
                assertThat(response.version()).isEqualTo(version);
            }
            // The plain port keeps serving.
            assertThat(HttpClient.newHttpClient().send(HttpRequest.newBuilder(host.httpUri().resolve("/health/live")).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
        }
    }

    private static SSLContext trustOnly(Path keystore) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            store.load(in, "changeit".toCharArray());
        }
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(store);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        return context;
    }
}
