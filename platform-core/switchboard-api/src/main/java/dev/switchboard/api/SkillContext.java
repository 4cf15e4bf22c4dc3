package dev.switchboard.api;

import tools.jackson.databind.JsonNode;

/**
 * What a running skill can tell its caller, and ask. Safe to use from the skill's thread only.
 *
 * @since 0.1.0
 */
public interface SkillContext {

    /** Reports progress: {@code fraction} from 0 to 1, and what is being done. */
    void progress(double fraction, String message);

    /** A log line for the caller (MCP clients see it at their log level): {@code debug}, {@code info}, {@code warning}, {@code error}. */
    void log(String level, String message);

    /**
     * Reports a partial output so far (a streaming job sends it as a {@code delta} event, at most
     * one per 100 ms, the latest winning). Callers that do not stream ignore it.
     */
    default void partial(JsonNode output) {
    }

    /** True once the caller gave up (cancelled, or the timeout passed): stop as soon as you can. */
    boolean cancelled();
}
