package dev.switchboard.runtime.events;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An event id, {@code <epoch>-<seq>}: the epoch names one run of the hub's history (it changes on
 * every restart), the sequence counts events across all topics of that run, from 1.
 * {@code <epoch>-0} is the position before the first event.
 */
record EventId(String epoch, long seq) {

    private static final Pattern FORMAT = Pattern.compile("([0-9a-z]{1,16})-(0|[1-9][0-9]{0,17})");

    static Optional<EventId> parse(String text) {
        Matcher m = FORMAT.matcher(text);
        return m.matches() ? Optional.of(new EventId(m.group(1), Long.parseLong(m.group(2)))) : Optional.empty();
    }

    @Override
    public String toString() {
        return epoch + "-" + seq;
    }
}
