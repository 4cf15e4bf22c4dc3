package dev.switchboard.runtime.events;

/** A stream that cannot be opened: a limit, an unknown topic, an id the server never issued. */
final class StreamRefusedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int status;

    StreamRefusedException(int status, String message) {
        super(message);
        this.status = status;
    }

    int status() {
        return status;
    }
}
