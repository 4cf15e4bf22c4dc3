package dev.switchboard.runtime.events;

import java.util.Locale;

/** Why a stream ended; the {@code reason} tag of {@code switchboard.events.disconnects}. */
enum DisconnectReason {
    /** The client went away (or a write to it failed). */
    CLIENT_GONE,
    /** It fell behind by more than its queue holds. */
    SLOW_READER,
    /** An operator disconnected it ({@code DELETE /admin/streams}). */
    ADMIN,
    /** The server is shutting down. */
    SHUTDOWN;

    String tag() {
        return name().toLowerCase(Locale.ROOT);
    }
}
