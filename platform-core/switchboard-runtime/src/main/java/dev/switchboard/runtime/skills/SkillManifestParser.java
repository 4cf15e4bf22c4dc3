package dev.switchboard.runtime.skills;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.switchboard.api.SkillDefinition;
import dev.switchboard.runtime.config.Durations;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.BooleanNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.dataformat.yaml.YAMLMapper;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Reads a skill folder's {@code SKILL.md}: YAML front matter between {@code ---} lines, then the
 * Markdown body. Every problem is collected (not just the first), each naming its key, so an
 * author fixes a file in one go.
 */
public final class SkillManifestParser {

    public static final String FILE = "SKILL.md";
    static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,63}");
    private static final Pattern PYTHON_ENTRY = Pattern.compile("([A-Za-z0-9_][A-Za-z0-9_./-]*\\.py):([A-Za-z_][A-Za-z0-9_]*)");
    private static final Pattern JAVA_ENTRY = Pattern.compile("([A-Za-z_$][A-Za-z0-9_$]*\\.)*[A-Za-z_$][A-Za-z0-9_$]*");
    private static final Set<String> TOP_KEYS = Set.of("name", "description", "license", "compatibility", "metadata", "allowed-tools",
            "switchboard");
    private static final Set<String> SWITCHBOARD_KEYS = Set.of("runtime", "entry", "version", "input_schema", "output_schema", "timeout",
            "cache", "fallback", "roles");
    private static final Set<String> CACHE_KEYS = Set.of("enabled", "ttl", "max_entries");
    private static final Duration MAX_TIMEOUT = Duration.ofMinutes(10);
    private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);
    private static final SkillManifest.CachePolicy DEFAULT_CACHE = new SkillManifest.CachePolicy(true, Duration.ofMinutes(10), 10_000);

    private static final YAMLMapper YAML = YAMLMapper.builder().build();
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final SchemaRegistry SCHEMAS = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);
    private static final Schema META_SCHEMA = SCHEMAS.getSchema(SchemaLocation.of(SpecificationVersion.DRAFT_2020_12.getDialectId()));

    private SkillManifestParser() {
    }

    /**
     * Parses {@code folder/SKILL.md}.
     *
     * @throws SkillFormatException listing every problem found
     */
    public static SkillManifest parse(Path folder) throws SkillFormatException, IOException {
        Path file = folder.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            throw new SkillFormatException(List.of("no " + FILE + " in " + folder.getFileName()));
        }
        String text = Files.readString(file, StandardCharsets.UTF_8).replace("\r\n", "\n");
        JsonNode front = frontMatter(text);
        int end = text.indexOf("\n---", 3);
        String body = end + 5 <= text.length() ? text.substring(end + 5).strip() : "";
        return new Reader(folder, front).read(body);
    }

    /**
     * The YAML front matter of a {@code SKILL.md} text (line ends already {@code \n}), as a tree.
     *
     * @throws SkillFormatException when there is none, or it is not a YAML mapping
     */
    public static JsonNode frontMatter(String text) throws SkillFormatException {
        if (!text.startsWith("---\n")) {
            throw new SkillFormatException(List.of(FILE + " must start with YAML front matter between '---' lines"));
        }
        int end = text.indexOf("\n---", 3);
        if (end < 0 || !(end + 4 == text.length() || text.charAt(end + 4) == '\n')) {
            throw new SkillFormatException(List.of(FILE + ": the front matter has no closing '---' line"));
        }
        JsonNode front;
        try {
            front = YAML.readTree(text.substring(4, end + 1));
        } catch (JacksonException e) {
            throw new SkillFormatException(List.of(FILE + ": the front matter is not valid YAML: " + e.getOriginalMessage()));
        }
        if (front == null || !front.isObject()) {
            throw new SkillFormatException(List.of(FILE + ": the front matter must be a YAML mapping (name:, description:, switchboard:)"));
        }
        return front;
    }

    /**
     * The manifest of a skill a plugin defines in code, checked like a {@code SKILL.md}.
     *
     * @throws SkillFormatException listing every problem
     */
    public static SkillManifest fromDefinition(SkillDefinition definition, String pluginId, String pluginVersion) throws SkillFormatException {
        List<String> problems = new ArrayList<>();
        if (!NAME.matcher(definition.name()).matches()) {
            problems.add("name: '" + definition.name() + "' must match " + NAME.pattern());
        }
        if (definition.description() == null || definition.description().isBlank()) {
            problems.add("description: required");
        }
        for (var schema : List.of(Map.entry("input_schema", definition.inputSchema()), Map.entry("output_schema", definition.outputSchema()))) {
            String problem = schemaProblem(schema.getKey(), schema.getValue());
            if (problem != null) {
                problems.add(problem);
            }
        }
        if (definition.timeout() == null || definition.timeout().isZero() || definition.timeout().isNegative()
                || definition.timeout().compareTo(MAX_TIMEOUT) > 0) {
            problems.add("timeout: between 1ms and 10m");
        }
        if (definition.cacheTtl() == null || definition.cacheTtl().isNegative() || definition.cacheMaxEntries() < 1) {
            problems.add("cache: a ttl of zero or more and at least 1 entry");
        }
        if (!problems.isEmpty()) {
            throw new SkillFormatException(problems);
        }
        SkillManifest.Fallback fallback = definition.fallbackOutput() != null ? new SkillManifest.Fallback.Static(definition.fallbackOutput())
                : definition.fallbackStale() ? new SkillManifest.Fallback.Stale() : new SkillManifest.Fallback.None();
        String identity = pluginId + "@" + pluginVersion + "/" + definition.name() + "/" + definition.version() + "/"
                + definition.inputSchema() + "/" + definition.outputSchema();
        return new SkillManifest(definition.name(), definition.description(), SkillManifest.Runtime.JAVA,
                definition.skill().getClass().getName(), definition.version(), definition.inputSchema(), definition.outputSchema(),
                definition.timeout(), new SkillManifest.CachePolicy(definition.cacheEnabled(), definition.cacheTtl(), definition.cacheMaxEntries()),
                fallback, definition.roles(), definition.documentation(), null, ContentHash.of(identity));
    }

    /** Why {@code schema} is not a usable JSON Schema 2020-12, or null when it is. */
    private static String schemaProblem(String key, JsonNode schema) {
        if (schema == null || !(schema.isObject() || schema.isBoolean())) {
            return key + ": a JSON Schema is an object (or true/false)";
        }
        List<Error> errors = META_SCHEMA.validate(schema);
        return errors.isEmpty() ? null : key + ": not a valid JSON Schema 2020-12: " + errors.getFirst().getMessage();
    }

    /** Collects problems while it reads one front matter. */
    private static final class Reader {
        private final Path folder;
        private final JsonNode front;
        private final List<String> problems = new ArrayList<>();

        Reader(Path folder, JsonNode front) {
            this.folder = folder;
            this.front = front;
        }

        SkillManifest read(String body) throws SkillFormatException, IOException {
            unknownKeys(front, TOP_KEYS, "");
            String name = text(front, "name", true);
            if (name != null && !NAME.matcher(name).matches()) {
                problems.add("name: '" + name + "' must match " + NAME.pattern() + " (lower case letters, digits, dashes; at most 64)");
            }
            String description = text(front, "description", true);
            JsonNode block = front.get("switchboard");
            if (block == null || !block.isObject()) {
                problems.add("switchboard: required, a mapping with runtime, entry, input_schema, ...");
                throw new SkillFormatException(problems);
            }
            unknownKeys(block, SWITCHBOARD_KEYS, "switchboard.");
            SkillManifest.Runtime runtime = runtime(block);
            String entry = text(block, "entry", true, "switchboard.");
            if (entry != null && runtime != null) {
                checkEntry(runtime, entry);
            }
            String version = block.has("version") ? scalar(block.get("version"), "switchboard.version") : "0";
            JsonNode input = schema(block, "input_schema", true);
            if (input != null) {
                checkExamples(input);
            }
            // Optional, as outputSchema is in MCP: without it any JSON value is a valid output.
            JsonNode output = schema(block, "output_schema", false);
            Duration timeout = duration(block.get("timeout"), "switchboard.timeout", DEFAULT_TIMEOUT);
            if (timeout != null && (timeout.isZero() || timeout.compareTo(MAX_TIMEOUT) > 0)) {
                problems.add("switchboard.timeout: between 1ms and 10m");
            }
            SkillManifest.CachePolicy cache = cache(block.get("cache"));
            SkillManifest.Fallback fallback = fallback(block.get("fallback"));
            Set<String> roles = roles(block.get("roles"));
            if (!problems.isEmpty()) {
                throw new SkillFormatException(problems);
            }
            return new SkillManifest(name, description, runtime, entry, version, input, output, timeout, cache, fallback, roles, body,
                    folder, ContentHash.of(folder));
        }

        /** The input schema's {@code examples} are inputs the skill runs at load (its warm-up): each must be a valid input. */
        private void checkExamples(JsonNode input) {
            JsonNode examples = input.path("examples");
            if (!examples.isArray() || examples.isEmpty()) {
                return;
            }
            SchemaCheck check = SchemaCheck.of(input);
            for (int i = 0; i < examples.size(); i++) {
                List<String> violations = check.violations(examples.get(i));
                if (!violations.isEmpty()) {
                    problems.add("switchboard.input_schema: examples[" + i + "] is not a valid input: " + String.join("; ", violations));
                }
            }
        }

        private void unknownKeys(JsonNode node, Set<String> known, String prefix) {
            for (String key : node.propertyNames()) {
                if (!known.contains(key)) {
                    problems.add(prefix + key + ": unknown key; known: " + String.join(", ", new TreeSet<>(known)));
                }
            }
        }

        private String text(JsonNode node, String key, boolean required) {
            return text(node, key, required, "");
        }

        private String text(JsonNode node, String key, boolean required, String prefix) {
            JsonNode value = node.get(key);
            if (value == null || value.isNull()) {
                if (required) {
                    problems.add(prefix + key + ": required");
                }
                return null;
            }
            if (!value.isString() || value.stringValue().isBlank()) {
                problems.add(prefix + key + ": must be a non-empty string");
                return null;
            }
            return value.stringValue().strip();
        }

        private String scalar(JsonNode value, String path) {
            if (value.isString() || value.isNumber()) {
                return value.asString();
            }
            problems.add(path + ": must be a string like 1.2.0");
            return null;
        }

        private SkillManifest.Runtime runtime(JsonNode block) {
            String runtime = text(block, "runtime", true, "switchboard.");
            if (runtime == null) {
                return null;
            }
            return switch (runtime) {
                case "python" -> SkillManifest.Runtime.PYTHON;
                case "java" -> SkillManifest.Runtime.JAVA;
                default -> {
                    problems.add("switchboard.runtime: 'python' or 'java', not '" + runtime + "'");
                    yield null;
                }
            };
        }

        private void checkEntry(SkillManifest.Runtime runtime, String entry) {
            if (runtime == SkillManifest.Runtime.PYTHON) {
                var m = PYTHON_ENTRY.matcher(entry);
                if (!m.matches()) {
                    problems.add("switchboard.entry: a Python entry is file.py:function, not '" + entry + "'");
                    return;
                }
                Path file = inFolder(m.group(1), "switchboard.entry");
                if (file != null && !Files.isRegularFile(file)) {
                    problems.add("switchboard.entry: " + m.group(1) + " is not a file in the skill folder");
                }
            } else if (!JAVA_ENTRY.matcher(entry).matches()) {
                problems.add("switchboard.entry: a Java entry is a class name, not '" + entry + "'");
            }
        }

        /** A path inside the skill folder, or null (with a problem) when it leaves it. */
        private Path inFolder(String relative, String key) {
            Path resolved = folder.resolve(relative).normalize();
            if (!resolved.startsWith(folder.normalize()) || Path.of(relative).isAbsolute()) {
                problems.add(key + ": '" + relative + "' is outside the skill folder");
                return null;
            }
            return resolved;
        }

        /** A schema, inline or in a file of the folder; an optional one that is absent is {@code true} (anything). */
        private JsonNode schema(JsonNode block, String key, boolean required) throws IOException {
            String path = "switchboard." + key;
            JsonNode value = block.get(key);
            if (value == null || value.isNull()) {
                if (!required) {
                    return BooleanNode.TRUE;
                }
                problems.add(path + ": required, a JSON Schema (inline, or the path of a .json file in the skill folder)");
                return null;
            }
            JsonNode schema = value;
            if (value.isString()) {
                Path file = inFolder(value.stringValue(), path);
                if (file == null) {
                    return null;
                }
                if (!Files.isRegularFile(file)) {
                    problems.add(path + ": " + value.stringValue() + " is not a file in the skill folder");
                    return null;
                }
                try {
                    schema = JSON.readTree(Files.readString(file, StandardCharsets.UTF_8));
                } catch (JacksonException e) {
                    problems.add(path + ": " + value.stringValue() + " is not valid JSON: " + e.getOriginalMessage());
                    return null;
                }
            }
            String problem = schemaProblem(path, schema);
            if (problem != null) {
                problems.add(problem);
                return null;
            }
            return schema;
        }

        private Duration duration(JsonNode value, String path, Duration otherwise) {
            if (value == null || value.isNull()) {
                return otherwise;
            }
            try {
                return Durations.parse(value.asString());
            } catch (IllegalArgumentException e) {
                problems.add(path + ": " + e.getMessage());
                return null;
            }
        }

        private SkillManifest.CachePolicy cache(JsonNode value) {
            if (value == null || value.isNull()) {
                return DEFAULT_CACHE;
            }
            if (!value.isObject()) {
                problems.add("switchboard.cache: a mapping with enabled, ttl, max_entries");
                return null;
            }
            unknownKeys(value, CACHE_KEYS, "switchboard.cache.");
            boolean enabled = DEFAULT_CACHE.enabled();
            if (value.has("enabled")) {
                if (!value.get("enabled").isBoolean()) {
                    problems.add("switchboard.cache.enabled: true or false");
                } else {
                    enabled = value.get("enabled").booleanValue();
                }
            }
            Duration ttl = duration(value.get("ttl"), "switchboard.cache.ttl", DEFAULT_CACHE.ttl());
            long maxEntries = DEFAULT_CACHE.maxEntries();
            if (value.has("max_entries")) {
                JsonNode max = value.get("max_entries");
                if (!max.canConvertToLong() || !max.isIntegralNumber() || max.longValue() < 1) {
                    problems.add("switchboard.cache.max_entries: a whole number of at least 1");
                } else {
                    maxEntries = max.longValue();
                }
            }
            return new SkillManifest.CachePolicy(enabled, ttl, maxEntries);
        }

        private SkillManifest.Fallback fallback(JsonNode value) {
            if (value == null || value.isNull()) {
                return new SkillManifest.Fallback.None();
            }
            if (value.isString() && value.stringValue().equals("stale")) {
                return new SkillManifest.Fallback.Stale();
            }
            if (value.isObject() && value.size() == 1 && value.has("output")) {
                return new SkillManifest.Fallback.Static(value.get("output"));
            }
            problems.add("switchboard.fallback: 'stale' (the last good cached output), or {output: <a fixed output>}");
            return null;
        }

        private Set<String> roles(JsonNode value) {
            Set<String> roles = new LinkedHashSet<>();
            if (value == null || value.isNull()) {
                return roles;
            }
            if (!value.isArray()) {
                problems.add("switchboard.roles: a list of role names");
                return roles;
            }
            for (JsonNode role : value) {
                if (!role.isString() || role.stringValue().isBlank()) {
                    problems.add("switchboard.roles: every entry is a role name");
                } else {
                    roles.add(role.stringValue());
                }
            }
            return roles;
        }
    }
}
