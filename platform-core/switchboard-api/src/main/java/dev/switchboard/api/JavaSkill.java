package dev.switchboard.api;

import tools.jackson.databind.JsonNode;

/**
 * A skill written in Java: the class a {@code SKILL.md} with {@code runtime: java} names as its
 * {@code entry}. It needs a constructor without parameters and must be safe to call from several
 * threads at once.
 *
 * @since 0.1.0
 */
@FunctionalInterface
public interface JavaSkill {

    /**
     * Computes the output for {@code input} (already validated against the input schema). Throw
     * {@link IllegalArgumentException} when the input is wrong in a way the schema cannot say (the
     * caller gets an invalid-input error with your message); any other exception fails the call,
     * its message reaching the caller. Check {@link SkillContext#cancelled()} in long loops: past
     * its timeout the skill's thread is also interrupted.
     */
    JsonNode run(JsonNode input, SkillContext context) throws Exception;
}
