package dev.switchboard.runtime.http;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import org.glassfish.jersey.server.ExtendedUriInfo;
import org.glassfish.jersey.uri.UriTemplate;

import java.util.List;

/**
 * Which route answered a request, as its template ({@code /api/mastery/calculate/{studentId}}),
 * kept in the request attribute {@link #ATTRIBUTE} for {@code ResponseView.route()}: set here,
 * once Jersey has matched a resource method, for every JAX-RS application (core and plugins), and
 * by the host servlet for its own endpoints. A request no route matched has none.
 */
public final class RouteTemplates implements ContainerRequestFilter {

    /** The request attribute holding the template of the route that answers the request. */
    public static final String ATTRIBUTE = "dev.switchboard.route";

    @Override
    public void filter(ContainerRequestContext request) {
        // Post-matching: runs only when a resource method matched. Jersey's request properties are
        // the servlet request's attributes.
        if (request.getUriInfo() instanceof ExtendedUriInfo uri) {
            request.setProperty(ATTRIBUTE, of(uri.getMatchedTemplates()));
        }
    }

    /**
     * The full template of a match, from Jersey's matched templates (innermost first):
     * {@code [/{id}, /api/things]} is {@code /api/things/{id}}. A parameter's regular expression is
     * left out ({@code {id: [0-9]+}} is {@code {id}}): the template names the route, not its syntax.
     */
    static String of(List<UriTemplate> matched) {
        StringBuilder path = new StringBuilder();
        for (int i = matched.size() - 1; i >= 0; i--) {
            String part = matched.get(i).getTemplate();
            int start = 0;
            int end = part.length();
            while (start < end && part.charAt(start) == '/') {
                start++;
            }
            while (end > start && part.charAt(end - 1) == '/') {
                end--;
            }
            if (start < end) {
                path.append('/');
                appendWithoutRegex(path, part, start, end);
            }
        }
        return path.isEmpty() ? "/" : path.toString();
    }

    /** Appends {@code part[start, end)}, each {@code {name: regex}} written as {@code {name}}. */
    private static void appendWithoutRegex(StringBuilder out, String part, int start, int end) {
        int i = start;
        while (i < end) {
            char c = part.charAt(i);
            if (c != '{') {
                out.append(c);
                i++;
                continue;
            }
            int depth = 0;
            int close = i;
            while (close < end) {
                char d = part.charAt(close);
                depth += d == '{' ? 1 : d == '}' ? -1 : 0;
                if (depth == 0) {
                    break;
                }
                close++;
            }
            String parameter = part.substring(i + 1, Math.min(close, end));
            int colon = parameter.indexOf(':');
            out.append('{').append((colon < 0 ? parameter : parameter.substring(0, colon)).strip()).append('}');
            i = close + 1;
        }
    }
}
