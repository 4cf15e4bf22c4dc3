package dev.switchboard.runtime.config;

import java.nio.file.Path;
import java.util.Optional;

/**
 * The loaded configuration: the host's settings, the plugin sections, the home directory that
 * relative paths resolve against, and the file it was read from (none: embedded defaults).
 */
public record SwitchboardConfig(Settings settings, PluginSections pluginSections, Path home, Optional<Path> file) {

    /** A path from the configuration: absolute as written, or relative to the home directory. */
    public Path resolve(String path) {
        Path p = Path.of(path);
        return (p.isAbsolute() ? p : home.resolve(p)).normalize();
    }

    public Path pluginsDir() {
        return resolve(settings.plugins().dir());
    }

    public Path skillsDir() {
        return resolve(settings.skills().dir());
    }
}
