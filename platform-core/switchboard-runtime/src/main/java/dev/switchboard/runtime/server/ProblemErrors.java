package dev.switchboard.runtime.server;

import dev.switchboard.runtime.http.MalformedTargets;
import dev.switchboard.runtime.http.Problems;
import org.eclipse.jetty.ee11.servlet.ServletContextRequest;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.charset.Charset;
import java.util.List;

/**
 * Jetty's error pages, replaced by problem+json: errors Jetty raises itself (a malformed request,
 * headers too large, a body over the limit, a request during shutdown) look like every other
 * error of the host, and never carry a stack trace. Every method gets the body: Jetty's default
 * is a page for GET, POST and HEAD only, which left a refused DELETE with an empty 400.
 */
final class ProblemErrors {

    private ProblemErrors() {
    }

    /** For errors raised outside the servlet context (connection level, our own handlers). */
    static final class ServerHandler extends org.eclipse.jetty.server.handler.ErrorHandler {
        ServerHandler() {
            setShowStacks(false);
            setShowCauses(false);
        }

        @Override
        public boolean errorPageForMethod(String method) {
            return true;
        }

        @Override
        protected void generateResponse(Request request, Response response, int code, String message, Throwable cause, Callback callback) {
            writeProblem(response, code, message, cause, callback);
        }
    }

    /** For errors raised inside the servlet context. */
    static final class ServletHandler extends org.eclipse.jetty.ee11.servlet.ErrorHandler {
        ServletHandler() {
            setShowStacks(false);
            setShowCauses(false);
            setShowOrigin(false);
        }

        @Override
        public boolean errorPageForMethod(String method) {
            return true;
        }

        @Override
        protected void generateResponse(Request request, Response response, int code, String message, Throwable cause, Callback callback) {
            generateAcceptableResponse(request, response, callback, Problems.MEDIA_TYPE, List.of(StandardCharsets.UTF_8), code, message, cause);
        }

        @Override
        protected boolean generateAcceptableResponse(Request request, Response response, Callback callback, String contentType,
                                                     List<Charset> charsets, int code, String message, Throwable cause) {
            writeProblem(response, code, message, cause, callback);
            ServletContextRequest servletRequest = Request.as(request, ServletContextRequest.class);
            if (servletRequest != null) {
                servletRequest.getServletChannel().sendErrorResponseAndComplete();
            }
            return true;
        }
    }

    private static void writeProblem(Response response, int code, String message, Throwable cause, Callback callback) {
        if (HttpStatus.hasNoBody(code)) {
            callback.succeeded();
            return;
        }
        byte[] body = Problems.json(code, detail(code, message, cause)).getBytes(StandardCharsets.UTF_8);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, Problems.MEDIA_TYPE);
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
        response.write(true, ByteBuffer.wrap(body), callback);
    }

    /** Jetty's own reasons are fine for client errors; anything else is not for the client's eyes. */
    private static String detail(int code, String message, Throwable cause) {
        if (code == 431) {
            return "The request headers are larger than limits.max_request_headers allows.";
        }
        if (code == 503) {
            return "The server is not accepting requests (it may be shutting down); retry on another instance.";
        }
        String target = code == 400 ? MalformedTargets.pathDetail(message, cause) : null;
        if (target != null) {
            return target;
        }
        if (code >= 400 && code < 500 && message != null && !message.isBlank()
                && (cause == null || !message.equals(cause.toString()))) {
            return message;
        }
        return Problems.title(code);
    }
}
