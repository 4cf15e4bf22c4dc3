package dev.switchboard.runtime.http;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * What runs just before one response's status and headers are sent, and what runs once the
 * exchange is over: the actions gateway filters registered with {@code GatewayExchange.beforeCommit}
 * and {@code afterCompletion}. The server attaches one to every request (as the request attribute
 * {@link #ATTRIBUTE}), fires the commit actions from the first write of the response, which is
 * where a response commits; the host servlet runs the completion actions when the servlet
 * exchange ends (its {@code service} returns, or its asynchronous context completes), while the
 * servlet response can still be read: Jetty recycles it before its own completion listeners run.
 */
public final class CommitHooks {

    /** The request attribute that holds a request's hooks. */
    public static final String ATTRIBUTE = CommitHooks.class.getName();

    private static final Logger LOG = LoggerFactory.getLogger(CommitHooks.class);

    // Guarded by this. Every request gets one, and most never get an action: the lists are made on the first.
    private List<Runnable> actions;
    private List<Runnable> completions;
    private boolean fired;
    private boolean completed;

    /**
     * Adds an action run at commit.
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

    /**
     * Adds an action run when the exchange is over.
     *
     * @throws IllegalStateException when it is over already
     */
    public synchronized void addCompletion(Runnable action) {
        if (completed) {
            throw new IllegalStateException("the exchange is already complete");
        }
        if (completions == null) {
            completions = new ArrayList<>(2);
        }
        completions.add(action);
    }

    /** Runs the commit actions, once; later calls do nothing. An action that throws is logged, and the others still run. */
    public void fire() {
        List<Runnable> due;
        synchronized (this) {
            if (fired) {
                return;
            }
            fired = true;
            due = actions;
        }
        run(due, "beforeCommit", "the response goes out without it");
    }

    /** Whether completion actions were added: the servlet need not watch for the end otherwise. */
    public synchronized boolean awaitsCompletion() {
        return completions != null && !completed;
    }

    /** Runs the completion actions, once; later calls do nothing. An action that throws is logged, and the others still run. */
    public void complete() {
        List<Runnable> due;
        synchronized (this) {
            if (completed) {
                return;
            }
            completed = true;
            due = completions;
        }
        run(due, "afterCompletion", "the others still run");
    }

    private static void run(List<Runnable> due, String kind, String consequence) {
        if (due == null) {
            return;
        }
        for (Runnable action : due) {
            try {
                action.run();
            } catch (RuntimeException | LinkageError e) {
                LOG.warn("A {} action failed; {}", kind, consequence, e);
            }
        }
    }
}
