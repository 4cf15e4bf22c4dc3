package dev.switchboard.runtime.server;

import dev.switchboard.runtime.config.ConfigException;
import dev.switchboard.runtime.config.Settings;
import org.eclipse.jetty.alpn.server.ALPNServerConnectionFactory;
import org.eclipse.jetty.http2.HTTP2Cipher;
import org.eclipse.jetty.http2.server.HTTP2CServerConnectionFactory;
import org.eclipse.jetty.http2.server.HTTP2ServerConnectionFactory;
import org.eclipse.jetty.server.ConnectionFactory;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * The host's connectors: plain HTTP/1.1 (with h2c when {@code http2} is on) and, with
 * {@code tls.enabled}, TLS with HTTP/2 and HTTP/1.1 chosen by ALPN. Every limit that belongs to a
 * connection (header size, idle timeout, accept queue) is set here.
 */
final class Connectors {

    /** Once no request is left, idle connections are closed this soon. */
    private static final long SHUTDOWN_IDLE_MILLIS = 100;

    private final Settings settings;
    private final ServerConnector http;
    private final ServerConnector https;

    /**
     * Adds the connectors to {@code server}.
     *
     * @param resolve resolves a configured path (the keystore) against the configuration's directory
     * @throws ConfigException when TLS is on and the keystore is missing or unreadable
     */
    Connectors(Server server, Settings settings, Function<String, Path> resolve) {
        this.settings = settings;
        HttpConfiguration httpConfig = new HttpConfiguration();
        httpConfig.setSendServerVersion(false);
        httpConfig.setSendXPoweredBy(false);
        httpConfig.setRequestHeaderSize(settings.limits().maxRequestHeaders().bytesAsInt());
        httpConfig.setHeaderCacheSize(settings.limits().headerCacheSize());
        List<ConnectionFactory> plain = new ArrayList<>();
        plain.add(new HttpConnectionFactory(httpConfig));
        if (settings.http2()) {
            plain.add(new HTTP2CServerConnectionFactory(httpConfig));
        }
        this.http = limited(new ServerConnector(server, plain.toArray(ConnectionFactory[]::new)), settings.port());
        server.addConnector(http);
        if (settings.tls().enabled()) {
            this.https = limited(tls(server, httpConfig, keystore(settings.tls(), resolve)), settings.tls().port());
            server.addConnector(https);
        } else {
            this.https = null;
        }
    }

    private ServerConnector limited(ServerConnector connector, int port) {
        connector.setHost(settings.host());
        connector.setPort(port);
        connector.setIdleTimeout(settings.limits().idleTimeout().toMillis());
        connector.setAcceptQueueSize(settings.limits().acceptQueueSize());
        connector.setShutdownIdleTimeout(SHUTDOWN_IDLE_MILLIS);
        return connector;
    }

    private ServerConnector tls(Server server, HttpConfiguration base, Path keystore) {
        SslContextFactory.Server ssl = new SslContextFactory.Server();
        ssl.setKeyStorePath(keystore.toString());
        ssl.setKeyStorePassword(settings.tls().keystorePassword());
        ssl.setKeyStoreType(settings.tls().keystoreType());
        HttpConfiguration secure = new HttpConfiguration(base);
        secure.addCustomizer(new SecureRequestCustomizer());
        HttpConnectionFactory http11 = new HttpConnectionFactory(secure);
        if (!settings.tls().http2()) {
            return new ServerConnector(server, new SslConnectionFactory(ssl, http11.getProtocol()), http11);
        }
        // Cipher order per RFC 7540 section 9.2.2: HTTP/2 needs a TLS 1.2+ cipher that is not blacklisted.
        ssl.setCipherComparator(HTTP2Cipher.COMPARATOR);
        HTTP2ServerConnectionFactory h2 = new HTTP2ServerConnectionFactory(secure);
        ALPNServerConnectionFactory alpn = new ALPNServerConnectionFactory();
        alpn.setDefaultProtocol(http11.getProtocol());
        return new ServerConnector(server, new SslConnectionFactory(ssl, alpn.getProtocol()), alpn, h2, http11);
    }

    private static Path keystore(Settings.Tls tls, Function<String, Path> resolve) {
        if (tls.keystore().isBlank()) {
            throw new ConfigException("tls.keystore: required when tls.enabled is true (the PKCS12 or JKS file with the server certificate)");
        }
        Path keystore = resolve.apply(tls.keystore());
        if (!Files.isReadable(keystore)) {
            throw new ConfigException("tls.keystore: " + keystore + " does not exist or cannot be read");
        }
        return keystore;
    }

    /** Where the plain connector listens, once started. */
    URI httpUri() {
        return URI.create("http://" + uriHost(settings.host()) + ":" + http.getLocalPort());
    }

    /** Where the TLS connector listens, once started; empty without TLS. */
    Optional<URI> httpsUri() {
        return https == null ? Optional.empty() : Optional.of(URI.create("https://" + uriHost(settings.host()) + ":" + https.getLocalPort()));
    }

    private static String uriHost(String host) {
        if ("0.0.0.0".equals(host) || "::".equals(host)) {
            return "127.0.0.1";
        }
        return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
    }
}
