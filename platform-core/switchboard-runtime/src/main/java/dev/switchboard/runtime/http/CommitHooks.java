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

    private final Once commit = new Once("beforeCommit", "the response is already committed: its headers were sent",
            "the response goes out without it");
    private final Once completion = new Once("afterCompletion", "the exchange is already complete", "the others still run");

    /**
     * Adds an action run at commit.
     *
     * @throws IllegalStateException when the response was already committed
     */
    public void add(Runnable action) {
        commit.add(action);
    }

    /**
     * Adds an action run when the exchange is over.
     *
     * @throws IllegalStateException when it is over already
     */
    public void addCompletion(Runnable action) {
        completion.add(action);
    }

    /** Runs the commit actions, once; later calls do nothing. An action that throws is logged, and the others still run. */
    public void fire() {
        commit.run();
    }

    /** Whether completion actions were added: the servlet need not watch for the end otherwise. */
    public boolean awaitsCompletion() {
        return completion.waiting();
    }

    /** Runs the completion actions, once; later calls do nothing. An action that throws is logged, and the others still run. */
    public void complete() {
        completion.run();
    }

    /** Actions run once. Every request gets two, and most never get an action: the list is made on the first. */
    private static final class Once {
        private final String kind;
        private final String tooLate;
        private final String consequence;
        // Guarded by this.
        private List<Runnable> actions;
        private boolean ran;

        Once(String kind, String tooLate, String consequence) {
            this.kind = kind;
            this.tooLate = tooLate;
            this.consequence = consequence;
        }

        synchronized void add(Runnable action) {
            if (ran) {
                throw new IllegalStateException(tooLate);
            }
            if (actions == null) {
                actions = new ArrayList<>(2);
            }
            actions.add(action);
        }

        synchronized boolean waiting() {
            return actions != null && !ran;
        }

        void run() {
            List<Runnable> due;
            synchronized (this) {
                if (ran) {
                    return;
                }
                ran = true;
                due = actions;
            }
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
}
