package dev.switchboard.runtime.plugins;

import dev.switchboard.api.PluginConfig;
import dev.switchboard.runtime.config.ConfigMapper;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A plugin's resolved configuration section. Binding uses a mapper of this plugin version's own,
 * so Jackson's type caches never hold a retired version's classes.
 */
final class SectionConfig implements PluginConfig {

    private final ObjectNode section;
    private JsonMapper mapper;

    SectionConfig(ObjectNode section) {
        this.section = section;
    }

    @Override
    @SuppressWarnings("unchecked")
    public Map<String, Object> asMap() {
        return Collections.unmodifiableMap(mapper().convertValue(section, LinkedHashMap.class));
    }

    @Override
    public <T> T bind(Class<T> type) {
        try {
            return mapper().treeToValue(section, type);
        } catch (JacksonException e) {
            throw new IllegalArgumentException("configuration does not fit " + type.getSimpleName() + ": " + e.getOriginalMessage(), e);
        }
    }

    private synchronized JsonMapper mapper() {
        if (mapper == null) {
            mapper = ConfigMapper.mapper().rebuild().build();
        }
        return mapper;
    }
}
