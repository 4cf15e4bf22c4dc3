package dev.switchboard.api;

import java.util.Objects;

/**
 * Why the hub refused an event. Nothing was stored or delivered.
 *
 * @since 0.1.0
 */
public final class EventRejectedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** The kinds of refusal, each with the HTTP status the REST API answers. */
    public enum Reason {
        /** The topic does not exist and topics are not open (404). */
        UNKNOWN_TOPIC(404),
        /** The topic is the host's own (e.g. {@code presence}); only the host publishes there (403). */
        RESERVED_TOPIC(403),
        /** A field is missing or malformed (400). */
        INVALID(400),
        /** The event is larger than {@code events.max_event_size} (413). */
        TOO_LARGE(413),
        /** Open topics are capped by {@code events.max_topics} (409). */
        TOO_MANY_TOPICS(409),
        /** The host is shutting down: publish to another instance (503). */
        SHUTTING_DOWN(503);

        private final int status;

        Reason(int status) {
            this.status = status;
        }

        public int status() {
            return status;
        }
    }

    private final Reason reason;

    public EventRejectedException(Reason reason, String message) {
        super(message);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    public Reason reason() {
        return reason;
    }
}
