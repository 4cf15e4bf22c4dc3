package dev.switchboard.plugins.kong.policy;

/** A policy file that cannot be used; the message names the offending path, as {@code plugins[2].config.minute}. */
public final class PolicyException extends Exception {

    private static final long serialVersionUID = 1L;

    public PolicyException(String message) {
        super(message);
    }
}
