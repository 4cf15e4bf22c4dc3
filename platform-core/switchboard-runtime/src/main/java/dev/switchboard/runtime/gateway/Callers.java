package dev.switchboard.runtime.gateway;

import dev.switchboard.api.AuthenticationException;
import dev.switchboard.api.Principal;
import dev.switchboard.runtime.http.Problems;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;

import java.util.Map;

/** Who is calling a core route, for routes that need to know: 401 when nobody (or nobody valid) is. */
public final class Callers {

    /** The detail of the 401 for a request without credentials. */
    public static final String UNAUTHENTICATED = "This route needs an authenticated caller: send a bearer token in the Authorization "
            + "header, or in the query parameter or cookie named by auth.token_query_parameter / auth.token_cookie.";

    private Callers() {
    }

    /** The caller's principal, or a 401 problem with a {@code WWW-Authenticate} challenge. */
    public static Principal require(HttpServletRequest request) {
        try {
            return RequestAuthentication.of(request).principal(request).orElseThrow(() -> unauthorized(UNAUTHENTICATED, "Bearer"));
        } catch (AuthenticationException e) {
            throw unauthorized(e.getMessage(), e.challenge());
        }
    }

    /** A 403 problem unless the principal holds {@code role}. */
    public static void requireRole(Principal principal, String role, String action) {
        if (!principal.hasRole(role)) {
            throw Problems.exception(403, "'" + principal.id() + "' may not " + action + ": that takes the role '" + role + "'.");
        }
    }

    private static WebApplicationException unauthorized(String detail, String challenge) {
        Response response = Response.fromResponse(Problems.response(401, detail, Map.of()))
                .header(HttpHeaders.WWW_AUTHENTICATE, challenge)
                .build();
        return new WebApplicationException(detail, response);
    }
}
