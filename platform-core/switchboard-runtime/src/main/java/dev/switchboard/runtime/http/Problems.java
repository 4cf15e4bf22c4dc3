package dev.switchboard.runtime.http;

import jakarta.servlet.http.HttpServletResponse;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * RFC 9457 problem details: the body of every 4xx and 5xx the host sends. A problem has a
 * {@code title} (the status's standard phrase), the {@code status}, and a {@code detail} a person
 * can act on; extra members carry facts (a reason, the allowed methods). Never a stack trace.
 */
public final class Problems {

    public static final String MEDIA_TYPE = "application/problem+json";
    public static final MediaType MEDIA = MediaType.valueOf(MEDIA_TYPE);

    /** How much of a client's value {@link #echo} quotes. */
    public static final int ECHO_LIMIT = 64;

    private static final JsonMapper JSON = JsonMapper.shared();

    private Problems() {
    }

    /** The problem document as a JSON tree. */
    public static ObjectNode body(int status, String detail, Map<String, ?> extras) {
        ObjectNode node = JSON.createObjectNode();
        node.put("type", "about:blank");
        node.put("title", title(status));
        node.put("status", status);
        node.put("detail", detail == null || detail.isBlank() ? title(status) : detail);
        if (extras != null) {
            extras.forEach((key, value) -> node.set(key, JSON.valueToTree(value)));
        }
        return node;
    }

    /** The problem document as JSON text. */
    public static String json(int status, String detail) {
        return body(status, detail, Map.of()).toString();
    }

    /** A JAX-RS response carrying a problem. */
    public static Response response(int status, String detail) {
        return response(status, detail, Map.of());
    }

    public static Response response(int status, String detail, Map<String, ?> extras) {
        return Response.status(status).type(MEDIA).entity(body(status, detail, extras).toString()).build();
    }

    /** Writes a problem as the whole answer to a servlet request (outside JAX-RS). */
    public static void write(HttpServletResponse response, int status, String detail) throws IOException {
        byte[] body = json(status, detail).getBytes(StandardCharsets.UTF_8);
        response.setStatus(status);
        response.setContentType(MEDIA_TYPE);
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }

    /** An exception that JAX-RS answers with this problem as it is. */
    public static WebApplicationException exception(int status, String detail) {
        return new WebApplicationException(detail, response(status, detail));
    }

    /**
     * A value the client sent, quoted for a detail: at most {@value #ECHO_LIMIT} characters (a
     * longer one is cut, saying how long it was), control characters escaped. A problem names
     * what was wrong; it does not send a 10 KB header back.
     */
    public static String echo(String value) {
        if (value == null) {
            return "(none)";
        }
        StringBuilder quoted = new StringBuilder("'");
        int end = value.codePointCount(0, value.length()) > ECHO_LIMIT ? value.offsetByCodePoints(0, ECHO_LIMIT) : value.length();
        value.substring(0, end).codePoints().forEach(c -> {
            if (Character.isISOControl(c)) {
                quoted.append(String.format("\\u%04x", c));
            } else {
                quoted.appendCodePoint(c);
            }
        });
        quoted.append('\'');
        if (end < value.length()) {
            quoted.append("… (").append(value.length()).append(" characters)");
        }
        return quoted.toString();
    }

    /** The standard reason phrase of a status code. */
    public static String title(int status) {
        Response.Status known = Response.Status.fromStatusCode(status);
        if (known != null) {
            return known.getReasonPhrase();
        }
        return switch (status) {
            case 422 -> "Unprocessable Content";
            case 425 -> "Too Early";
            case 431 -> "Request Header Fields Too Large";
            case 413 -> "Content Too Large";
            default -> status >= 500 ? "Server Error" : status >= 400 ? "Client Error" : "Status " + status;
        };
    }
}
