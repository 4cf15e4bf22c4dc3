package dev.switchboard.api;

import java.util.Optional;

/**
 * A request being authenticated.
 *
 * @since 0.1.0
 */
public interface AuthenticationRequest extends RequestView {

    /**
     * The bearer token the request carries, from the first place that has one: the
     * {@code Authorization: Bearer} header, the query parameter {@code auth.token_query_parameter}
     * (default {@code access_token}), the cookie {@code auth.token_cookie} (default
     * {@code switchboard_token}). The last two exist because a browser's {@code EventSource}
     * cannot send headers.
     *
     * @throws AuthenticationException when two places carry different tokens
     */
    Optional<String> bearerToken();
}
