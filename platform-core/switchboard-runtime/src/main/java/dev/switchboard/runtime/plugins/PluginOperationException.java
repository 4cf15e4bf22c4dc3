package dev.switchboard.runtime.plugins;

/** An admin operation that cannot be done as asked: {@code status} is the HTTP status to answer with. */
public final class PluginOperationException extends RuntimeException {

    private final int status;

    public PluginOperationException(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
