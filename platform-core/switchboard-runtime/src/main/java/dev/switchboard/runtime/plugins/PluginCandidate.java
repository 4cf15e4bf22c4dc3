package dev.switchboard.runtime.plugins;

import dev.switchboard.runtime.config.ConfigSchema;
import org.pf4j.PluginDependency;

import java.nio.file.Path;
import java.util.List;

/**
 * A plugin jar that passed every check that needs no plugin code to run: a readable jar, a PF4J
 * manifest with a valid id and version, a host version it accepts, no bundled host API, an
 * extension index and a usable configuration schema.
 *
 * @param file         the jar as it lies in the plugin directory
 * @param stamp        the file's identity when it was inspected
 * @param pluginClass  the optional PF4J {@code Plugin-Class}, or null
 * @param extensions   class names listed in the jar's PF4J extension index
 */
record PluginCandidate(
        Path file,
        FileStamp stamp,
        String id,
        String version,
        String requires,
        String description,
        String pluginClass,
        List<PluginDependency> dependencies,
        List<String> extensions,
        ConfigSchema configSchema) {

    String fileName() {
        return file.getFileName().toString();
    }
}
