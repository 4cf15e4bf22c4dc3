package dev.switchboard.api;

import tools.jackson.databind.JsonNode;

import java.util.Set;

/**
 * The host's skills, as a plugin calls them: the same path REST and MCP calls take (validation,
 * cache, timeout, fallback), skills of the skills directory and of plugins alike.
 *
 * @since 0.1.0
 */
public interface Skills {

    /**
     * Calls a skill as the plugin itself: no role check.
     *
     * @throws SkillException typed: not found, invalid input, timeout, failed, output invalid
     */
    SkillResult invoke(String name, JsonNode input);

    /**
     * Calls a skill on behalf of {@code caller}: the skill's roles are checked against its roles.
     *
     * @throws SkillException typed, including {@link SkillException.Kind#FORBIDDEN}
     */
    SkillResult invoke(String name, JsonNode input, Principal caller);

    /** The names of the skills that can be called now. */
    Set<String> names();
}
