package dev.switchboard.runtime.mcp;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;

import java.io.IOException;
import java.util.Locale;

/**
 * The {@code WWW-Authenticate} challenge of a 401 from {@code /mcp}: a Bearer challenge whose
 * {@code resource_metadata} points at the {@link ProtectedResourceMetadata} (RFC 9728 section 5.1),
 * which is how an MCP client finds the authorization server to get a token from.
 *
 * <p>The response the gateway filters of {@code /mcp} write to is wrapped ({@link #wrap}), so the
 * challenge carries {@code resource_metadata} whoever refuses the request: the kong plugin's
 * {@code jwt} answers as Kong does ({@code WWW-Authenticate: Bearer}), and that bare challenge
 * would leave an MCP client with nowhere to go.
 */
final class McpChallenge {

    private static final String HEADER = "WWW-Authenticate";
    private static final String PARAMETER = "resource_metadata=";

    private McpChallenge() {
    }

    /** {@code Bearer resource_metadata="<base>/.well-known/oauth-protected-resource/mcp"} for this request's host. */
    static String of(HttpServletRequest request) {
        return "Bearer " + PARAMETER + "\"" + McpRequestGuard.baseUri(request) + ProtectedResourceMetadata.PATH + McpHttpTransport.PATH + "\"";
    }

    /** {@code response}, with every 401 sent through it carrying this request's challenge. */
    static HttpServletResponse wrap(HttpServletRequest request, HttpServletResponse response) {
        return new ChallengingResponse(response, of(request));
    }

    /** {@code challenge} with {@code resource_metadata} added to a Bearer challenge that has none; other schemes as they are. */
    static String withMetadata(String challenge, String ours) {
        String value = challenge.strip();
        String lower = value.toLowerCase(Locale.ROOT);
        if (!lower.startsWith("bearer") || lower.contains(PARAMETER) || value.length() > 6 && value.charAt(6) != ' ') {
            return challenge;
        }
        String parameters = value.substring(6).strip();
        return parameters.isEmpty() ? ours : ours + ", " + parameters;
    }

    private static final class ChallengingResponse extends HttpServletResponseWrapper {
        private final String ours;

        ChallengingResponse(HttpServletResponse response, String ours) {
            super(response);
            this.ours = ours;
        }

        @Override
        public void setStatus(int status) {
            super.setStatus(status);
            if (status == 401) {
                challenge();
            }
        }

        @Override
        public void sendError(int status) throws IOException {
            if (status == 401) {
                challenge();
            }
            super.sendError(status);
        }

        @Override
        public void sendError(int status, String message) throws IOException {
            if (status == 401) {
                challenge();
            }
            super.sendError(status, message);
        }

        @Override
        public void setHeader(String name, String value) {
            super.setHeader(name, HEADER.equalsIgnoreCase(name) && value != null ? withMetadata(value, ours) : value);
        }

        @Override
        public void addHeader(String name, String value) {
            super.addHeader(name, HEADER.equalsIgnoreCase(name) && value != null ? withMetadata(value, ours) : value);
        }

        /** A 401 without a challenge gets ours; a Bearer one without resource_metadata gets it added. */
        private void challenge() {
            String current = getHeader(HEADER);
            super.setHeader(HEADER, current == null ? ours : withMetadata(current, ours));
        }
    }
}
