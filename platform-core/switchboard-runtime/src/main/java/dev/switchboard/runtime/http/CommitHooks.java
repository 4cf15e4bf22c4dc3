package dev.switchboard.runtime.http;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * What runs just before one response's status and headers are sent: the actions gateway filters
 * registered with {@code GatewayExchange.beforeCommit}. The server attaches one to every request
 * (as the request attribute {@link #ATTRIBUTE}) and fires it from the first write of the
 * response, which is where a response commits.
 */
public final class CommitHooks {

    /** The request attribute that holds a request's hooks. */
    public static final String ATTRIBUTE = CommitHooks.class.getName();

    private static final Logger LOG = LoggerFactory.getLogger(CommitHooks.class);

    // Guarded by this. Every request gets one, and most never get an action: the list is made on the first.
    private List<Runnable> actions;
    private boolean fired;

    /**
     * Adds an action.
     *
     * @throws IllegalStateException when the response was already committed
     */
    public synchronized void add(Runnable action) {
        if (fired) {
            throw new IllegalStateException("the response is already committed: its headers were sent");
        }
        if (actions == null) {
            actions = new ArrayList<>(2);
        }
        actions.add(action);
    }

    /** Runs the actions, once; later calls do nothing. An action that throws is logged, and the others still run. */
    public void fire() {
        List<Runnable> due;
        synchronized (this) {
            if (fired) {
                return;
            }
            fired = true;
            due = actions;
        }
        if (due == null) {
            return;
        }
        for (Runnable action : due) {
            try {
                action.run();
            } catch (RuntimeException | LinkageError e) {
                LOG.warn("A beforeCommit action failed; the response goes out without it", e);
            }
        }
    }
}
