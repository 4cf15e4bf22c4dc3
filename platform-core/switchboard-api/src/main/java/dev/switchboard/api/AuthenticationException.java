package dev.switchboard.api;

/**
 * A credential was presented and is not valid: the request is answered 401 with this message as
 * the problem's detail and {@link #challenge()} as the {@code WWW-Authenticate} header.
 *
 * @since 0.1.0
 */
public final class AuthenticationException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String challenge;

    public AuthenticationException(String message) {
        this(message, "Bearer error=\"invalid_token\"");
    }

    public AuthenticationException(String message, String challenge) {
        super(message);
        this.challenge = challenge;
    }

    /** The {@code WWW-Authenticate} value sent with the 401. */
    public String challenge() {
        return challenge;
    }
}
