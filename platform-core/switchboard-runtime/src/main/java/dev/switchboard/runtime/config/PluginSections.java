package dev.switchboard.runtime.config;

import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The plugin sections of the configuration: every top-level key that is not one of the host's,
 * named after a plugin id, plus the environment variables and flags that may set plugin keys.
 *
 * <p>A section is resolved only when its plugin is about to load, because only the plugin's
 * schema says which keys exist and what type each has. So a section may be written before its
 * plugin is installed.
 */
public final class PluginSections {

    private final Map<String, ObjectNode> sections;
    private final Map<String, String> environment;
    private final List<ConfigOverride> flags;
    private final String fileDescription;

    PluginSections(Map<String, ObjectNode> sections, Map<String, String> environment, List<ConfigOverride> flags, String fileDescription) {
        this.sections = Map.copyOf(sections);
        this.environment = Map.copyOf(environment);
        this.flags = List.copyOf(flags);
        this.fileDescription = fileDescription;
    }

    public static PluginSections none() {
        return new PluginSections(Map.of(), Map.of(), List.of(), "defaults");
    }

    /** Ids of the plugins the file or the flags configure. */
    public Set<String> sectionIds() {
        Set<String> ids = new TreeSet<>(sections.keySet());
        for (ConfigOverride flag : flags) {
            ids.add(flag.key().substring(0, flag.key().indexOf('.')));
        }
        return ids;
    }

    /**
     * The {@code SWITCHBOARD_*} variables that set no host key and belong to none of the given
     * plugins: most likely typos.
     */
    public List<String> unclaimedVariables(Collection<String> pluginIds) {
        Set<String> host = new TreeSet<>();
        for (ConfigSchema.Key key : ConfigLoader.hostSchema().keys()) {
            host.add("SWITCHBOARD_" + envPart(key.path()));
        }
        List<String> unclaimed = new ArrayList<>();
        for (String name : new TreeSet<>(environment.keySet())) {
            boolean plugin = pluginIds.stream().anyMatch(id -> name.startsWith("SWITCHBOARD_" + envPart(id) + "_"));
            if (!host.contains(name) && !plugin) {
                unclaimed.add(name);
            }
        }
        return unclaimed;
    }

    /**
     * The environment variable that sets {@code key} of plugin {@code pluginId}:
     * {@code SWITCHBOARD_<ID>_<KEY>}, upper case, with dots and dashes as underscores.
     */
    public static String environmentName(String pluginId, String key) {
        return "SWITCHBOARD_" + envPart(pluginId) + "_" + envPart(key);
    }

    static String envPart(String text) {
        return text.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    /**
     * The plugin's section with environment variables and flags applied, defaults filled in and
     * validated against {@code schema}.
     *
     * @throws ConfigException naming each offending key as {@code <pluginId>.<key>}
     */
    public ObjectNode resolve(String pluginId, ConfigSchema schema) {
        ObjectNode section = sections.containsKey(pluginId) ? sections.get(pluginId).deepCopy() : JsonNodeFactory.instance.objectNode();
        Map<String, String> sources = new HashMap<>();
        List<String> problems = new ArrayList<>();
        for (ConfigSchema.Key key : schema.keys()) {
            String variable = environmentName(pluginId, key.path());
            String value = environment.get(variable);
            if (value != null) {
                apply(section, schema, key.path(), value, variable, sources, problems, pluginId);
            }
        }
        for (ConfigOverride flag : flags) {
            if (flag.key().startsWith(pluginId + ".")) {
                String key = flag.key().substring(pluginId.length() + 1);
                if (schema.at(key).isEmpty()) {
                    problems.add(flag.key() + ": unknown key (" + flag.source() + ")");
                } else {
                    apply(section, schema, key, flag.value(), flag.source(), sources, problems, pluginId);
                }
            }
        }
        if (problems.isEmpty()) {
            ObjectNode withDefaults = schema.withDefaults(section);
            problems.addAll(schema.validate(withDefaults, pluginId + ".",
                    key -> sources.getOrDefault(key, sections.containsKey(pluginId) ? fileDescription : "")));
            if (problems.isEmpty()) {
                return withDefaults;
            }
        }
        throw new ConfigException(problems);
    }

    private static void apply(ObjectNode section, ConfigSchema schema, String key, String value, String source,
                              Map<String, String> sources, List<String> problems, String pluginId) {
        try {
            ConfigLoader.put(section, key, schema.convert(key, value));
            sources.put(key, source);
        } catch (IllegalArgumentException e) {
            problems.add(pluginId + "." + key + ": " + e.getMessage() + " (" + source + ")");
        }
    }
}
