package dev.switchboard.runtime.server;

import dev.switchboard.api.ResponseCompression;
import dev.switchboard.runtime.plugins.Generation;
import com.aayushatharva.brotli4j.Brotli4jLoader;
import com.github.luben.zstd.util.Native;
import org.eclipse.jetty.compression.Compression;
import org.eclipse.jetty.compression.brotli.BrotliCompression;
import org.eclipse.jetty.compression.brotli.BrotliEncoderConfig;
import org.eclipse.jetty.compression.gzip.GzipCompression;
import org.eclipse.jetty.compression.gzip.GzipEncoderConfig;
import org.eclipse.jetty.compression.server.CompressionConfig;
import org.eclipse.jetty.compression.server.CompressionHandler;
import org.eclipse.jetty.compression.zstandard.ZstandardCompression;
import org.eclipse.jetty.compression.zstandard.ZstandardEncoderConfig;
import io.micrometer.core.instrument.MeterRegistry;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.MimeTypes;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Response compression with the settings of the live plugin generation: Jetty's
 * {@link CompressionHandler} does the codec work (brotli, zstd, gzip; negotiation from
 * {@code Accept-Encoding} with q-values; streaming, {@code Vary}, ETag suffixes),
 * one handler per settings, built when a generation brings new settings and stopped a drain
 * time after it was replaced. With no plugin setting compression, requests pass straight on.
 *
 * <p>Whatever a plugin sets, event streams are never compressed (a compressor holds back the
 * bytes an event must deliver now), and request bodies are never decompressed (that would let a
 * small body expand past {@code limits.max_request_body}).
 */
final class PluginCompression extends Handler.Wrapper {

    private static final Logger LOG = LoggerFactory.getLogger(PluginCompression.class);

    private final Supplier<Generation> live;
    private final Duration drainTimeout;
    private final CompressionTally.Registry tallies;
    private volatile Active active;

    /** The handler for one plugin's settings, and the encodings it offers (those whose codec loaded), preferred first. */
    private record Active(ResponseCompression settings, CompressionHandler handler, List<String> offered) {
    }

    PluginCompression(Supplier<Generation> live, Duration drainTimeout, MeterRegistry meters, Handler next) {
        super(next);
        this.live = live;
        this.drainTimeout = drainTimeout;
        this.tallies = new CompressionTally.Registry(meters);
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        ResponseCompression settings = live.get().compression();
        if (settings == null) {
            return super.handle(request, response, callback);
        }
        Active current = active;
        if (current == null || !current.settings().equals(settings)) {
            current = activate(settings);
        }
        String encoding = AcceptEncoding.negotiate(request.getHeaders().getValuesList(HttpHeader.ACCEPT_ENCODING), current.offered());
        Request negotiated = AcceptEncoding.only(request, encoding);
        if (encoding == null) {
            return current.handler().handle(negotiated, response, callback);
        }
        CompressionTally.Exchange tallied = CompressionTally.start(tallies, encoding, negotiated, response, callback);
        return current.handler().handle(negotiated, tallied.response(), tallied.callback());
    }

    private synchronized Active activate(ResponseCompression settings) throws Exception {
        Active previous = active;
        if (previous != null && previous.settings().equals(settings)) {
            return previous;
        }
        List<String> offered = new ArrayList<>();
        Active next = new Active(settings, build(settings, offered), List.copyOf(offered));
        active = next;
        LOG.info("Response compression: {}", settings);
        if (previous != null) {
            // Responses already compressing with it get the drain time to finish.
            Thread.ofVirtual().name("switchboard-compression-retire").start(() -> {
                try {
                    Thread.sleep(drainTimeout);
                    previous.handler().stop();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (Exception e) {
                    LOG.debug("Stopping a replaced compression handler", e);
                }
            });
        }
        return next;
    }

    /** A started handler for {@code settings}; adds the encodings it offers to {@code offered}. */
    private CompressionHandler build(ResponseCompression settings, List<String> offered) throws Exception {
        CompressionHandler handler = new CompressionHandler();
        for (ResponseCompression.Encoding encoding : settings.encodings()) {
            Compression codec = codec(encoding);
            if (codec != null) {
                codec.setMinCompressSize(settings.minSize());
                handler.putCompression(codec);
                offered.add(encoding.name());
            }
        }
        // Which of them answers a request is AcceptEncoding's choice, made before Jetty sees the request.
        CompressionConfig.Builder config = CompressionConfig.builder().defaults();
        // Jetty compares a response's type without its charset but with its other parameters, written "; name=value".
        settings.mimeTypes().forEach(type -> config.compressIncludeMimeType(MimeTypes.getContentTypeWithoutCharset(type.replaceAll(" *; *", "; "))));
        settings.excludedPaths().forEach(config::compressExcludePath);
        config.compressExcludeMimeType("text/event-stream");
        config.decompressExcludePath("/*");
        handler.putConfiguration("/", config.build());
        handler.setServer(getServer());
        // The wrapped handler is this one's: reached through a forwarder, so its life cycle stays ours.
        Handler next = getHandler();
        handler.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) throws Exception {
                return next.handle(request, CompressionTally.written(request, response), callback);
            }
        });
        handler.start();
        return handler;
    }

    /**
     * The codec of one encoding at its level; null, after a warning, when its native library does
     * not load on this platform (brotli and zstd are JNI libraries, with natives for Linux x86_64
     * and aarch64 in the distribution): the other encodings are still offered.
     */
    private static Compression codec(ResponseCompression.Encoding encoding) {
        return switch (encoding.name()) {
            case "gzip" -> {
                GzipCompression gzip = new GzipCompression();
                GzipEncoderConfig config = new GzipEncoderConfig();
                config.setCompressionLevel(encoding.level());
                gzip.setDefaultEncoderConfig(config);
                yield gzip;
            }
            case "br" -> {
                if (!Brotli4jLoader.isAvailable()) {
                    LOG.warn("Brotli is not offered: its native library does not load on {} {} ({})", System.getProperty("os.name"),
                            System.getProperty("os.arch"), Brotli4jLoader.getUnavailabilityCause().toString());
                    yield null;
                }
                BrotliCompression brotli = new BrotliCompression();
                BrotliEncoderConfig config = new BrotliEncoderConfig();
                config.setCompressionLevel(encoding.level());
                brotli.setDefaultEncoderConfig(config);
                yield brotli;
            }
            case "zstd" -> {
                try {
                    Native.load();
                } catch (LinkageError e) {
                    LOG.warn("Zstandard is not offered: its native library does not load on {} {} ({})", System.getProperty("os.name"),
                            System.getProperty("os.arch"), e.toString());
                    yield null;
                }
                ZstandardCompression zstd = new ZstandardCompression();
                ZstandardEncoderConfig config = new ZstandardEncoderConfig();
                config.setCompressionLevel(encoding.level());
                zstd.setDefaultEncoderConfig(config);
                yield zstd;
            }
            default -> throw new IllegalArgumentException("no codec for " + encoding.name());
        };
    }

    @Override
    protected void doStop() throws Exception {
        Active current = active;
        if (current != null) {
            current.handler().stop();
        }
        super.doStop();
    }
}
