package dev.switchboard.runtime.web;

import dev.switchboard.runtime.http.CoreRoutes;
import dev.switchboard.runtime.http.Problems;
import jakarta.annotation.Priority;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import org.eclipse.jetty.util.InetAddressSet;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Map;
import java.util.Set;

/**
 * Guards {@code /admin}: the client address must be in {@code admin.allowed_addresses}
 * (loopback by default), and every call that changes something (anything but GET, HEAD and
 * OPTIONS) must carry {@code Authorization: Bearer <admin token>}.
 */
@PreMatching
@Priority(Priorities.AUTHENTICATION)
public final class AdminAccessFilter implements ContainerRequestFilter {

    private static final Set<String> READ_METHODS = Set.of("GET", "HEAD", "OPTIONS");

    private final InetAddressSet allowed;
    private final byte[] token;

    @Context
    private HttpServletRequest servletRequest;

    public AdminAccessFilter(InetAddressSet allowed, String token) {
        this.allowed = allowed;
        this.token = token.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void filter(ContainerRequestContext request) {
        String path = request.getUriInfo().getPath(true);
        if (!CoreRoutes.under("/" + (path.startsWith("/") ? path.substring(1) : path), "/admin")) {
            return;
        }
        String remote = servletRequest.getRemoteAddr();
        if (!isAllowed(remote)) {
            request.abortWith(Problems.response(403, "The admin API does not accept calls from " + remote
                    + "; allowed addresses are set by admin.allowed_addresses."));
            return;
        }
        if (READ_METHODS.contains(request.getMethod())) {
            return;
        }
        String authorization = request.getHeaderString(HttpHeaders.AUTHORIZATION);
        String presented = authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)
                ? authorization.substring(7).strip() : null;
        if (presented == null || !MessageDigest.isEqual(presented.getBytes(StandardCharsets.UTF_8), token)) {
            request.abortWith(jakarta.ws.rs.core.Response.fromResponse(Problems.response(401, presented == null
                            ? "This admin call needs the admin token: send Authorization: Bearer <token>."
                            : "The admin token is not valid.", Map.of()))
                    .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"switchboard-admin\"")
                    .build());
        }
    }

    private boolean isAllowed(String address) {
        try {
            return allowed.test(InetAddress.getByName(address));
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
