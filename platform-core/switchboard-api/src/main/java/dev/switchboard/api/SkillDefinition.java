package dev.switchboard.api;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;

import java.time.Duration;
import java.util.Objects;
import java.util.Set;

/**
 * A skill a plugin contributes with {@link Platform#skill}: what a {@code SKILL.md} says, with the
 * Java code that runs it. It lives and dies with the plugin version: swapped with it, withdrawn
 * when the plugin stops.
 *
 * <pre>{@code
 * platform.skill(SkillDefinition.builder("grade-summary", new GradeSummary())
 *         .description("Summarizes a student's grades.")
 *         .inputSchema(inputSchema).outputSchema(outputSchema)
 *         .timeout(Duration.ofSeconds(2))
 *         .roles("instructor")
 *         .build());
 * }</pre>
 *
 * @param fallbackOutput a fixed output answered when the skill fails, or null
 * @param fallbackStale  answer the last good output for the same input when the skill fails
 * @param roles          who may call it; empty means every authenticated caller
 * @since 0.1.0
 */
public record SkillDefinition(String name, String description, String version, JsonNode inputSchema, JsonNode outputSchema,
                              Duration timeout, boolean cacheEnabled, Duration cacheTtl, long cacheMaxEntries,
                              JsonNode fallbackOutput, boolean fallbackStale, Set<String> roles, String documentation, JavaSkill skill) {

    public SkillDefinition {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(skill, "skill");
        roles = roles == null ? Set.of() : Set.copyOf(roles);
        documentation = documentation == null ? "" : documentation;
    }

    /** A definition with the defaults of a {@code SKILL.md}: 5 s timeout, cached 10 min (10 000 entries), no fallback, any caller. */
    public static Builder builder(String name, JavaSkill skill) {
        return new Builder(name, skill);
    }

    /** Builds a {@link SkillDefinition}; schemas default to {@code true} (anything). */
    public static final class Builder {
        private final String name;
        private final JavaSkill skill;
        private String description = "";
        private String version = "0";
        private JsonNode inputSchema = JsonNodeFactory.instance.booleanNode(true);
        private JsonNode outputSchema = JsonNodeFactory.instance.booleanNode(true);
        private Duration timeout = Duration.ofSeconds(5);
        private boolean cacheEnabled = true;
        private Duration cacheTtl = Duration.ofMinutes(10);
        private long cacheMaxEntries = 10_000;
        private JsonNode fallbackOutput;
        private boolean fallbackStale;
        private Set<String> roles = Set.of();
        private String documentation = "";

        private Builder(String name, JavaSkill skill) {
            this.name = name;
            this.skill = skill;
        }

        public Builder description(String description) {
            this.description = description;
            return this;
        }

        public Builder version(String version) {
            this.version = version;
            return this;
        }

        public Builder inputSchema(JsonNode schema) {
            this.inputSchema = schema;
            return this;
        }

        public Builder outputSchema(JsonNode schema) {
            this.outputSchema = schema;
            return this;
        }

        public Builder timeout(Duration timeout) {
            this.timeout = timeout;
            return this;
        }

        /** Caching: on or off, how long an output is kept, how many are kept. */
        public Builder cache(boolean enabled, Duration ttl, long maxEntries) {
            this.cacheEnabled = enabled;
            this.cacheTtl = ttl;
            this.cacheMaxEntries = maxEntries;
            return this;
        }

        public Builder fallbackOutput(JsonNode output) {
            this.fallbackOutput = output;
            this.fallbackStale = false;
            return this;
        }

        public Builder fallbackStale() {
            this.fallbackStale = true;
            this.fallbackOutput = null;
            return this;
        }

        public Builder roles(String... roles) {
            this.roles = Set.of(roles);
            return this;
        }

        /** Markdown, as the body of a {@code SKILL.md}. */
        public Builder documentation(String markdown) {
            this.documentation = markdown;
            return this;
        }

        public SkillDefinition build() {
            return new SkillDefinition(name, description, version, inputSchema, outputSchema, timeout, cacheEnabled, cacheTtl,
                    cacheMaxEntries, fallbackOutput, fallbackStale, roles, documentation, skill);
        }
    }
}
