package dev.switchboard.api;

import tools.jackson.databind.JsonNode;

import java.util.Objects;

/**
 * A skill's output, and how it was obtained.
 *
 * @param output         the output, valid against the skill's output schema
 * @param cached         served from the cache without running the skill
 * @param durationMillis time spent in this call
 * @param version        the skill's declared version
 * @param contentHash    SHA-256 of the skill's files: which exact code produced it
 * @param fallback       the skill failed and this is its configured fallback (a fixed output, or the last good one)
 * @since 0.1.0
 */
public record SkillResult(JsonNode output, boolean cached, long durationMillis, String version, String contentHash, boolean fallback) {

    public SkillResult {
        Objects.requireNonNull(output, "output");
    }
}
