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

    // Guarded by this.
    private List<Runnable> actions = new ArrayList<>();

    /**
     * Adds an action.
     *
     * @throws IllegalStateException when the response was already committed
     */
    public synchronized void add(Runnable action) {
        if (actions == null) {
            throw new IllegalStateException("the response is already committed: its headers were sent");
        }
        actions.add(action);
    }

    /** Runs the actions, once; later calls do nothing. An action that throws is logged, and the others still run. */
    public void fire() {
        List<Runnable> due;
        synchronized (this) {
            if (actions == null) {
                return;
            }
            due = actions;
            actions = null;
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
