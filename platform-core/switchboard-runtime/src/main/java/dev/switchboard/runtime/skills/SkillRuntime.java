package dev.switchboard.runtime.skills;

import dev.switchboard.api.SkillContext;
import tools.jackson.databind.JsonNode;

/** Runs the skills of one runtime ({@code java}, {@code python}). */
interface SkillRuntime {

    /**
     * Makes a skill ready to run: loads its code (and, for Python, warms its contexts).
     *
     * @throws SkillFormatException when the code cannot be used, with the reason
     */
    Runner prepare(SkillManifest manifest) throws SkillFormatException;

    /** What operators should know about this runtime (shown by GET /admin/skills). */
    default java.util.Map<String, Object> status() {
        return java.util.Map.of();
    }

    /** One prepared skill. */
    interface Runner extends AutoCloseable {

        /**
         * Runs once, on a thread of {@link #executor()} when the runner has one. May be called from
         * many threads at once. Stopped through {@link #stop} when the call times out or is cancelled.
         */
        JsonNode run(JsonNode input, SkillContext context) throws Exception;

        /**
         * The threads this skill's runs must be given to, or null for the invoker's own. Python
         * keeps each context on a thread of its own.
         */
        default java.util.concurrent.Executor executor() {
            return null;
        }

        /**
         * Stops {@code run} (the context it was given), which passed its timeout or was
         * cancelled, on {@code thread}. The run may have ended by now and its thread have taken
         * another call, which must not be stopped. By default the thread is interrupted (Java
         * skills see that); Python interrupts the run's context instead.
         */
        default void stop(Thread thread, SkillContext run) {
            thread.interrupt();
        }

        /**
         * Time a run gets on top of the skill's timeout now: while some context of the skill has
         * never run (no warm-up inputs), its first run pays for cold code, which is the runtime's
         * cost, not the skill's. Zero once everything ran once.
         */
        default java.time.Duration coldStartAllowance() {
            return java.time.Duration.ZERO;
        }

        /** Releases what {@link #prepare} took (class loaders, contexts). */
        @Override
        void close();
    }
}
