package dev.switchboard.runtime.skills;

import tools.jackson.databind.JsonNode;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A skill package as its {@code SKILL.md} describes it: the Agent Skills front matter
 * ({@code name}, {@code description}), Switchboard's {@code switchboard:} block, and the Markdown
 * body as documentation.
 *
 * @param folder       the skill's folder
 * @param contentHash  SHA-256 over the folder's files: part of every cache key, so an edit drops the cached outputs
 * @param inputSchema  JSON Schema 2020-12 of the input
 * @param outputSchema JSON Schema 2020-12 of the output
 * @param roles        who may call it; empty means every authenticated caller
 */
public record SkillManifest(
        String name,
        String description,
        Runtime runtime,
        String entry,
        String version,
        JsonNode inputSchema,
        JsonNode outputSchema,
        Duration timeout,
        CachePolicy cache,
        Fallback fallback,
        Set<String> roles,
        String documentation,
        Path folder,
        String contentHash) {

    public SkillManifest {
        Objects.requireNonNull(name, "name");
        roles = Set.copyOf(roles);
    }

    /**
     * The inputs of the input schema's {@code examples} keyword (JSON Schema 2020-12, section 9.5 of
     * the meta-data vocabulary): shown to MCP clients with the schema, and run once per Python
     * context when the skill loads, so that the first real call does not pay for cold code.
     */
    public List<JsonNode> examples() {
        JsonNode examples = inputSchema == null ? null : inputSchema.get("examples");
        if (examples == null || !examples.isArray()) {
            return List.of();
        }
        List<JsonNode> inputs = new ArrayList<>(examples.size());
        examples.forEach(inputs::add);
        return inputs;
    }

    /** Where the skill's code runs. */
    public enum Runtime {
        /** In-process GraalPy: {@code entry} is {@code file.py:function}. */
        PYTHON,
        /** On the JVM: {@code entry} is a class name. */
        JAVA
    }

    /** How outputs are cached: per skill, on top of the host's size-bounded cache. */
    public record CachePolicy(boolean enabled, Duration ttl, long maxEntries) {
    }

    /** What a caller gets when the skill fails. */
    public sealed interface Fallback {
        /** The error itself. */
        record None() implements Fallback {
        }

        /** The last good output cached for the same input, when there is one. */
        record Stale() implements Fallback {
        }

        /** A fixed output. */
        record Static(JsonNode output) implements Fallback {
        }
    }

    /** For a Python entry {@code file.py:function}: the file. */
    public Optional<String> pythonFile() {
        return runtime == Runtime.PYTHON ? Optional.of(entry.substring(0, entry.indexOf(':'))) : Optional.empty();
    }

    /** For a Python entry {@code file.py:function}: the function. */
    public Optional<String> pythonFunction() {
        return runtime == Runtime.PYTHON ? Optional.of(entry.substring(entry.indexOf(':') + 1)) : Optional.empty();
    }
}
