package dev.switchboard.runtime.server;

import dev.switchboard.runtime.config.ByteSize;
import dev.switchboard.runtime.http.Bodies;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

import java.nio.ByteBuffer;
import java.util.function.ToLongFunction;

/**
 * Rejects request bodies over a limit with 413 before any route reads them: at once when the
 * declared Content-Length is too large, and as soon as a streamed (chunked) body passes the limit.
 * The limit may depend on the request (plugin uploads have their own).
 *
 * <p>A declared body that is too large but at most {@link Bodies#DRAIN_LIMIT} bytes is read and
 * discarded before the 413 is written (see there why). Larger declared bodies are answered at once
 * and the connection is closed: draining them would cost more than it saves.
 */
final class RequestBodyLimitHandler extends Handler.Wrapper {

    private final ToLongFunction<Request> limit;

    RequestBodyLimitHandler(ToLongFunction<Request> limit, Handler handler) {
        super(handler);
        this.limit = limit;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        long max = limit.applyAsLong(request);
        HttpField contentLength = request.getHeaders().getField(HttpHeader.CONTENT_LENGTH);
        if (contentLength != null && contentLength.getLongValue() > max) {
            Runnable refuse = () -> Response.writeError(request, response, callback, HttpStatus.PAYLOAD_TOO_LARGE_413, tooLarge(max));
            if (contentLength.getLongValue() <= Bodies.DRAIN_LIMIT) {
                Content.Source.consumeAll(request, Callback.from(refuse, failure -> refuse.run()));
            } else {
                refuse.run();
            }
            return true;
        }
        return super.handle(new Counting(request, max), response, callback);
    }

    private static String tooLarge(long max) {
        return "The request body is larger than the " + new ByteSize(max) + " accepted here.";
    }

    private static final class Counting extends Request.Wrapper {
        private final long max;
        private long read;

        Counting(Request wrapped, long max) {
            super(wrapped);
            this.max = max;
        }

        @Override
        public Content.Chunk read() {
            Content.Chunk chunk = super.read();
            if (chunk == null || chunk.getFailure() != null) {
                return chunk;
            }
            ByteBuffer content = chunk.getByteBuffer();
            if (content != null && content.hasRemaining()) {
                read += content.remaining();
                if (read > max) {
                    chunk.release();
                    return Content.Chunk.from(new HttpException.RuntimeException(HttpStatus.PAYLOAD_TOO_LARGE_413, tooLarge(max)), true);
                }
            }
            return chunk;
        }
    }
}
