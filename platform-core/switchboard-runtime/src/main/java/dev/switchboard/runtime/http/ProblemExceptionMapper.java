package dev.switchboard.runtime.http;

import jakarta.ws.rs.NotAcceptableException;
import jakarta.ws.rs.NotAllowedException;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.NotSupportedException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Request;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import jakarta.ws.rs.ext.ExceptionMapper;
import org.eclipse.jetty.http.HttpException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;

import java.util.Map;

/**
 * Turns every exception that reaches JAX-RS into a problem+json response. Client errors keep
 * their status with a detail naming the request; anything unexpected is a 500 whose detail gives
 * a reference id that also appears in the log next to the stack trace, which never leaves the
 * process.
 */
public final class ProblemExceptionMapper implements ExceptionMapper<Throwable> {

    private static final Logger LOG = LoggerFactory.getLogger(ProblemExceptionMapper.class);

    @Context
    private UriInfo uriInfo;

    @Context
    private Request request;

    @Context
    private HttpHeaders headers;

    @Override
    public Response toResponse(Throwable exception) {
        if (exception instanceof WebApplicationException web) {
            return fromWebApplicationException(web);
        }
        for (Throwable cause = exception; cause != null; cause = cause.getCause()) {
            // The server refused the request body while it was being read (e.g. over the size limit).
            if (cause instanceof HttpException http && http.getCode() >= 400 && http.getCode() < 500) {
                return Problems.response(http.getCode(), http.getReason());
            }
        }
        if (exception instanceof JacksonException json) {
            return Problems.response(400, "The request body is not valid JSON for this route: " + json.getOriginalMessage());
        }
        String reference = ErrorReference.next();
        LOG.error("Unhandled error on {} {} (reference {})", method(), path(), reference, exception);
        return Problems.response(500, "The server failed to handle this request. Reference: " + reference + ".",
                Map.of("reference", reference));
    }

    private Response fromWebApplicationException(WebApplicationException web) {
        Response original = web.getResponse();
        int status = original.getStatus();
        if (original.hasEntity() && original.getMediaType() != null
                && Problems.MEDIA.isCompatible(original.getMediaType())) {
            return original;
        }
        String detail;
        if (web instanceof NotFoundException) {
            detail = "No route matches " + method() + " " + path() + ".";
        } else if (web instanceof NotAllowedException) {
            detail = method() + " is not allowed on " + path() + "; allowed: " + String.join(", ", original.getAllowedMethods()) + ".";
        } else if (web instanceof NotSupportedException) {
            detail = "This route does not accept the content type " + contentType() + ".";
        } else if (web instanceof NotAcceptableException) {
            detail = "This route cannot produce any of the types in the Accept header.";
        } else if (status >= 500) {
            String reference = ErrorReference.next();
            LOG.error("Server error {} on {} {} (reference {})", status, method(), path(), reference, web);
            detail = "The server failed to handle this request. Reference: " + reference + ".";
        } else {
            detail = meaningfulMessage(web.getMessage(), status);
        }
        Response.ResponseBuilder builder = Response.fromResponse(original)
                .type(Problems.MEDIA)
                .entity(Problems.body(status, detail, Map.of()).toString());
        return builder.build();
    }

    /** Jersey's own messages are just "HTTP 400 Bad Request"; keep only messages that say more. */
    private static String meaningfulMessage(String message, int status) {
        if (message == null || message.isBlank() || message.startsWith("HTTP " + status)) {
            return Problems.title(status);
        }
        return message;
    }

    private String method() {
        return request == null ? "?" : request.getMethod();
    }

    private String path() {
        return uriInfo == null ? "?" : "/" + uriInfo.getPath(false);
    }

    private String contentType() {
        return headers == null || headers.getMediaType() == null ? "(none)" : headers.getMediaType().toString();
    }
}
