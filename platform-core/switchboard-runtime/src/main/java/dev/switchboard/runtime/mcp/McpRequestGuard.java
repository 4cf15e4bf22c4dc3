package dev.switchboard.runtime.mcp;

import dev.switchboard.api.AuthenticationException;
import dev.switchboard.api.Principal;
import dev.switchboard.runtime.config.Settings;
import dev.switchboard.runtime.gateway.RequestAuthentication;
import dev.switchboard.runtime.http.Problems;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.net.URI;
import java.util.Locale;
import java.util.Set;

/**
 * What every {@code /mcp} request passes before its method is looked at: its Host and Origin
 * (DNS rebinding: 403 unless loopback or listed in {@code mcp.allowed_hosts} and
 * {@code mcp.allowed_origins}), then its caller (401 with the protected-resource metadata
 * challenge, {@link McpChallenge}).
 */
final class McpRequestGuard {

    private static final Set<String> LOOPBACK_NAMES = Set.of("localhost", "127.0.0.1", "[::1]", "::1");

    private final Settings.McpSettings settings;
    private final McpReplies replies;

    McpRequestGuard(Settings.McpSettings settings, McpReplies replies) {
        this.settings = settings;
        this.replies = replies;
    }

    /** The caller of an admitted request; null when it was refused (the answer is written). */
    Principal admit(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (!hostAllowed(request.getHeader("Host"))) {
            replies.refuse(response, 403, "Forbidden: the Host header " + Problems.echo(request.getHeader("Host"))
                    + " is not allowed (mcp.allowed_hosts); this protects against DNS rebinding.");
            return null;
        }
        String origin = request.getHeader("Origin");
        if (origin != null && !originAllowed(origin)) {
            replies.refuse(response, 403, "Forbidden: the Origin " + Problems.echo(origin) + " is not allowed (mcp.allowed_origins).");
            return null;
        }
        return authenticate(request, response);
    }

    private Principal authenticate(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String challenge = McpChallenge.of(request);
        try {
            Principal principal = RequestAuthentication.of(request).principal(request).orElse(null);
            if (principal == null) {
                response.setHeader("WWW-Authenticate", challenge);
                replies.refuse(response, 401, "Unauthorized: /mcp needs a bearer token in the Authorization header.");
            }
            return principal;
        } catch (AuthenticationException e) {
            response.setHeader("WWW-Authenticate", challenge + ", error=\"invalid_token\"");
            replies.refuse(response, 401, "Unauthorized: " + e.getMessage());
            return null;
        }
    }

    /** Whether the request's {@code Accept} takes {@code type} (or anything). */
    static boolean accepts(HttpServletRequest request, String type) {
        String accept = request.getHeader("Accept");
        if (accept == null) {
            return false;
        }
        String lower = accept.toLowerCase(Locale.ROOT);
        return lower.contains(type) || lower.contains("*/*");
    }

    /** Scheme and authority the client used (the Host header was checked before). */
    static String baseUri(HttpServletRequest request) {
        String host = request.getHeader("Host");
        return request.getScheme() + "://" + (host != null ? host : request.getServerName() + ":" + request.getServerPort());
    }

    private boolean hostAllowed(String host) {
        if (host == null || host.isBlank()) {
            return false;
        }
        String name = hostName(host);
        if (LOOPBACK_NAMES.contains(name)) {
            return true;
        }
        for (String allowed : settings.allowedHosts()) {
            if (allowed.equalsIgnoreCase(host) || allowed.equalsIgnoreCase(name)) {
                return true;
            }
        }
        return false;
    }

    private boolean originAllowed(String origin) {
        for (String allowed : settings.allowedOrigins()) {
            if (allowed.equalsIgnoreCase(origin)) {
                return true;
            }
        }
        try {
            URI uri = URI.create(origin);
            return ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null
                    && LOOPBACK_NAMES.contains(uri.getHost().toLowerCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** The host part of a Host header: no port; an IPv6 literal keeps its brackets. */
    private static String hostName(String host) {
        String value = host.strip().toLowerCase(Locale.ROOT);
        if (value.startsWith("[")) {
            int end = value.indexOf(']');
            return end < 0 ? value : value.substring(0, end + 1);
        }
        int colon = value.indexOf(':');
        return colon < 0 ? value : value.substring(0, colon);
    }
}
