package dev.switchboard.runtime.http;

import java.util.UUID;

/**
 * The short id a server error gives the client in its problem and the log gives next to the stack
 * trace, so that an operator can go from one to the other; the stack trace never leaves the process.
 */
public final class ErrorReference {

    private ErrorReference() {
    }

    /** A new reference: eight hex digits, random. */
    public static String next() {
        return UUID.randomUUID().toString().substring(0, 8);
    }
}
