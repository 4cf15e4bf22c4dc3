package dev.switchboard.runtime.server;

/** The host cannot start, for a reason the operator can fix (a port in use, a missing keystore). */
public final class StartupException extends Exception {

    public StartupException(String message, Throwable cause) {
        super(message, cause);
    }
}
