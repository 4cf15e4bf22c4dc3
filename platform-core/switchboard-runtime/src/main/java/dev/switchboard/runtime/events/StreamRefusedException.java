package dev.switchboard.runtime.events;

/** A stream that cannot be opened: bad parameters, no caller, a limit, an id the server never issued. */
final class StreamRefusedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int status;
    private final String challenge;

    StreamRefusedException(int status, String message) {
        this(status, message, null);
    }

    StreamRefusedException(int status, String message, String challenge) {
        super(message);
        this.status = status;
        this.challenge = challenge;
    }

    int status() {
        return status;
    }

    /** The {@code WWW-Authenticate} value for a 401, else null. */
    String challenge() {
        return challenge;
    }
}
