package dev.switchboard.runtime.plugins;

import java.lang.reflect.InvocationTargetException;
import java.util.concurrent.ExecutionException;

/** Turns a throwable into one line a person can read: the kind of error and its message, no stack. */
final class Failures {

    private Failures() {
    }

    static String describe(Throwable t) {
        Throwable root = unwrap(t);
        String message = root.getMessage();
        String kind = root.getClass().getSimpleName();
        StringBuilder text = new StringBuilder(kind);
        if (message != null && !message.isBlank()) {
            text.append(": ").append(message.strip());
        }
        Throwable cause = root.getCause();
        if (cause != null && cause != root && cause.getMessage() != null && (message == null || !message.contains(cause.getMessage()))) {
            text.append(" (caused by ").append(cause.getClass().getSimpleName()).append(": ").append(cause.getMessage().strip()).append(')');
        }
        String line = text.toString().replaceAll("\\s+", " ");
        return line.length() > 600 ? line.substring(0, 600) + "…" : line;
    }

    private static Throwable unwrap(Throwable t) {
        Throwable current = t;
        while ((current instanceof InvocationTargetException || current instanceof ExecutionException) && current.getCause() != null) {
            current = current.getCause();
        }
        return current;
    }
}
