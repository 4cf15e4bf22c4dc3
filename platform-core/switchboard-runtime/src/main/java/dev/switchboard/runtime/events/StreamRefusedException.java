package dev.switchboard.runtime.events;

import java.time.Duration;

/** A stream that cannot be opened: bad parameters, no caller, a limit, an id the server never issued. */
final class StreamRefusedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int status;
    private final String challenge;
    private final Duration retryAfter;

    StreamRefusedException(int status, String message) {
        this(status, message, null, null);
    }

    StreamRefusedException(int status, String message, String challenge) {
        this(status, message, challenge, null);
    }

    private StreamRefusedException(int status, String message, String challenge, Duration retryAfter) {
        super(message);
        this.status = status;
        this.challenge = challenge;
        this.retryAfter = retryAfter;
    }

    /** A limit that frees up by itself: the answer says when to try again. */
    static StreamRefusedException limit(int status, String message, Duration retryAfter) {
        return new StreamRefusedException(status, message, null, retryAfter);
    }

    int status() {
        return status;
    }

    /** The {@code WWW-Authenticate} value for a 401, else null. */
    String challenge() {
        return challenge;
    }

    /** The {@code Retry-After} value in whole seconds (at least 1), or null when there is none. */
    String retryAfterSeconds() {
        return retryAfter == null ? null : Long.toString(Math.max(1, (retryAfter.toMillis() + 999) / 1000));
    }
}
