package dev.switchboard.runtime.config;

import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Loads the configuration: embedded defaults, then the YAML file, then {@code SWITCHBOARD_*}
 * environment variables, then command-line flags (later wins). Unknown host keys and invalid
 * values stop the load with every problem listed, each naming its key and source.
 */
public final class ConfigLoader {

    /** Variables the launcher reads itself; they are not configuration keys. */
    public static final Set<String> LAUNCHER_VARIABLES = Set.of(
            "SWITCHBOARD_HOME", "SWITCHBOARD_JAVA_HOME", "SWITCHBOARD_JAVA_MIN", "SWITCHBOARD_OPTS", "SWITCHBOARD_CONFIG", "SWITCHBOARD_JIT");

    private static final ConfigSchema SCHEMA = loadHostSchema();
    private static final YAMLMapper YAML = YAMLMapper.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

    private ConfigLoader() {
    }

    /** The schema of the host's own keys (it documents every key and its default). */
    public static ConfigSchema hostSchema() {
        return SCHEMA;
    }

    /**
     * @param home        directory relative paths resolve against
     * @param file        the YAML file, or empty for embedded defaults only
     * @param environment the process environment (only {@code SWITCHBOARD_*} entries are read)
     * @param flags       values from command-line flags, applied last
     * @throws ConfigException listing every problem
     */
    public static SwitchboardConfig load(Path home, Optional<Path> file, Map<String, String> environment, List<ConfigOverride> flags) {
        ObjectNode root = file.map(ConfigLoader::readFile).orElseGet(JsonNodeFactory.instance::objectNode);
        String fileDescription = file.map(f -> "in " + f).orElse("");
        List<String> problems = new ArrayList<>();

        ObjectNode host = JsonNodeFactory.instance.objectNode();
        Map<String, ObjectNode> pluginSections = new TreeMap<>();
        for (Map.Entry<String, JsonNode> entry : root.properties()) {
            if (SCHEMA.at(entry.getKey()).isPresent()) {
                host.set(entry.getKey(), entry.getValue());
            } else if (entry.getValue() instanceof ObjectNode section) {
                pluginSections.put(entry.getKey(), section);
            } else if (entry.getValue().isNull()) {
                pluginSections.put(entry.getKey(), JsonNodeFactory.instance.objectNode());
            } else {
                problems.add(entry.getKey() + ": unknown key (not a host setting, and a plugin section must be a map) (" + fileDescription + ")");
            }
        }

        Map<String, String> sources = new HashMap<>();
        Map<String, String> variables = new LinkedHashMap<>();
        environment.forEach((name, value) -> {
            if (name.startsWith("SWITCHBOARD_") && !LAUNCHER_VARIABLES.contains(name)) {
                variables.put(name, value);
            }
        });
        for (ConfigSchema.Key key : SCHEMA.keys()) {
            String variable = "SWITCHBOARD_" + PluginSections.envPart(key.path());
            String value = variables.get(variable);
            if (value != null) {
                override(host, key.path(), value, variable, sources, problems);
            }
        }
        List<ConfigOverride> pluginFlags = new ArrayList<>();
        for (ConfigOverride flag : flags) {
            String top = flag.key().contains(".") ? flag.key().substring(0, flag.key().indexOf('.')) : flag.key();
            if (SCHEMA.at(top).isPresent()) {
                if (SCHEMA.at(flag.key()).isEmpty()) {
                    problems.add(flag.key() + ": unknown key (" + flag.source() + ")");
                } else {
                    override(host, flag.key(), flag.value(), flag.source(), sources, problems);
                }
            } else if (flag.key().contains(".")) {
                pluginFlags.add(flag);
            } else {
                problems.add(flag.key() + ": unknown key (" + flag.source() + ")");
            }
        }

        // Validate even when earlier steps found problems: the operator gets every problem at once.
        ObjectNode withDefaults = SCHEMA.withDefaults(host);
        problems.addAll(SCHEMA.validate(withDefaults, "", key -> {
            for (String k = key; ; k = k.substring(0, k.lastIndexOf('.'))) {
                if (sources.containsKey(k)) {
                    return sources.get(k);
                }
                if (!k.contains(".")) {
                    return fileDescription;
                }
            }
        }));
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        Settings settings = bind(withDefaults);
        PluginSections plugins = new PluginSections(pluginSections, variables, pluginFlags, fileDescription);
        return new SwitchboardConfig(settings, plugins, home.toAbsolutePath().normalize(), file.map(p -> p.toAbsolutePath().normalize()));
    }

    private static void override(ObjectNode host, String key, String value, String source, Map<String, String> sources, List<String> problems) {
        try {
            put(host, key, SCHEMA.convert(key, value));
            sources.put(key, source);
        } catch (IllegalArgumentException e) {
            problems.add(key + ": " + e.getMessage() + " (" + source + ")");
        }
    }

    private static Settings bind(ObjectNode tree) {
        try {
            return ConfigMapper.mapper().treeToValue(tree, Settings.class);
        } catch (JacksonException e) {
            // The schema admits only what binds; reaching here is a bug in the schema, not user input.
            throw new IllegalStateException("configuration passed validation but does not bind: " + e.getOriginalMessage(), e);
        }
    }

    /** Sets a dotted key in a tree, creating intermediate maps. */
    static void put(ObjectNode root, String key, JsonNode value) {
        String[] parts = key.split("\\.");
        ObjectNode node = root;
        for (int i = 0; i < parts.length - 1; i++) {
            JsonNode child = node.get(parts[i]);
            if (!(child instanceof ObjectNode)) {
                child = node.putObject(parts[i]);
            }
            node = (ObjectNode) child;
        }
        node.set(parts[parts.length - 1], value);
    }

    private static ObjectNode readFile(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new ConfigException("config file " + file + " does not exist (or is not a file)");
        }
        JsonNode tree;
        try (InputStream in = Files.newInputStream(file)) {
            tree = YAML.readTree(in);
        } catch (JacksonException e) {
            String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
            throw new ConfigException("config file " + file + " is not valid YAML" + where + ": " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new ConfigException("config file " + file + " cannot be read: " + e.getMessage());
        }
        if (tree == null || tree.isMissingNode() || tree.isNull()) {
            return JsonNodeFactory.instance.objectNode();
        }
        if (!(tree instanceof ObjectNode object)) {
            throw new ConfigException("config file " + file + " must hold a map of keys at the top, not " + tree.getNodeType().name().toLowerCase());
        }
        return object;
    }

    private static ConfigSchema loadHostSchema() {
        try {
            InputStream in = ConfigLoader.class.getResourceAsStream("switchboard.schema.json");
            if (in == null) {
                throw new IllegalStateException("switchboard.schema.json missing from the runtime jar");
            }
            return ConfigSchema.read(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
