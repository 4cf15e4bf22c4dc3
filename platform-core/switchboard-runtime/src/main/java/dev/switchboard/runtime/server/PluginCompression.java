package dev.switchboard.runtime.server;

import dev.switchboard.api.ResponseCompression;
import dev.switchboard.runtime.plugins.Generation;
import org.eclipse.jetty.compression.gzip.GzipCompression;
import org.eclipse.jetty.compression.server.CompressionConfig;
import org.eclipse.jetty.compression.server.CompressionHandler;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.function.Supplier;

/**
 * Response compression with the settings of the live plugin generation: Jetty's
 * {@link CompressionHandler} does the codec work (gzip, streaming, {@code Vary}, ETag suffixes),
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
    private volatile Active active;

    /** The handler for one plugin's settings. */
    private record Active(ResponseCompression settings, CompressionHandler handler) {
    }

    PluginCompression(Supplier<Generation> live, Duration drainTimeout, Handler next) {
        super(next);
        this.live = live;
        this.drainTimeout = drainTimeout;
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
        return current.handler().handle(request, response, callback);
    }

    private synchronized Active activate(ResponseCompression settings) throws Exception {
        Active previous = active;
        if (previous != null && previous.settings().equals(settings)) {
            return previous;
        }
        Active next = new Active(settings, build(settings));
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

    private CompressionHandler build(ResponseCompression settings) throws Exception {
        CompressionHandler handler = new CompressionHandler();
        GzipCompression gzip = new GzipCompression();
        gzip.setMinCompressSize(settings.minSize());
        handler.putCompression(gzip);
        CompressionConfig.Builder config = CompressionConfig.builder().defaults();
        settings.mimeTypes().forEach(config::compressIncludeMimeType);
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
                return next.handle(request, response, callback);
            }
        });
        handler.start();
        return handler;
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
