package dev.switchboard.runtime.cli;

import dev.switchboard.runtime.config.ConfigException;
import dev.switchboard.runtime.config.ConfigLoader;
import dev.switchboard.runtime.config.ConfigOverride;
import dev.switchboard.runtime.config.SwitchboardConfig;
import dev.switchboard.runtime.server.StartupException;
import dev.switchboard.runtime.server.Switchboard;
import picocli.CommandLine;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The options of every command that starts the host ({@code run}, {@code mcp}), and how they become its configuration. */
final class HostOptions {

    @Option(names = "--host", paramLabel = "HOST", description = "Address to listen on (config key host; default 127.0.0.1).")
    String host;

    @Option(names = "--port", paramLabel = "PORT", description = "HTTP port (config key port; default 8080; 0 picks a free one).")
    String port;

    @Option(names = "--config", paramLabel = "FILE",
            description = "Configuration file (default: $SWITCHBOARD_CONFIG, else conf/switchboard.yaml in the Switchboard home if present).")
    Path configFile;

    @Option(names = "--plugins-dir", paramLabel = "DIR", description = "Plugin directory (config key plugins.dir; default plugins).")
    String pluginsDir;

    @Option(names = "--skills-dir", paramLabel = "DIR", description = "Skill directory (config key skills.dir; default skills).")
    String skillsDir;

    @Option(names = "--set", paramLabel = "KEY=VALUE",
            description = "Set any configuration key, e.g. --set limits.max_request_body=20MB or --set hello.greeting=Hi. Repeatable.")
    List<String> settings = new ArrayList<>();

    @CommandLine.Spec(CommandLine.Spec.Target.MIXEE)
    CommandLine.Model.CommandSpec spec;

    /** A started host with its configuration; or, when it could not start, the exit code (the reason was printed). */
    record Start(SwitchboardConfig config, Switchboard host, int exitCode) {
    }

    /**
     * Loads the configuration ({@link #load}) and starts the host. A configuration error is
     * printed and gives exit code 2; a start failure (the port is taken, ...) exit code 1.
     */
    Start start(List<ConfigOverride> defaults) {
        return start(defaults, true);
    }

    /** As {@link #start(List)}; with {@code skills} false the skills directory is not read (see {@link Switchboard#startWithoutSkills}). */
    Start start(List<ConfigOverride> defaults, boolean skills) {
        try {
            SwitchboardConfig config = load(defaults);
            return new Start(config, skills ? Switchboard.start(config) : Switchboard.startWithoutSkills(config), 0);
        } catch (ConfigException e) {
            System.err.println("switchboard: " + e.getMessage());
            return new Start(null, null, 2);
        } catch (StartupException e) {
            System.err.println("switchboard: " + e.getMessage());
            return new Start(null, null, 1);
        }
    }

    /**
     * The configuration: embedded defaults, the config file, {@code SWITCHBOARD_*} variables, then
     * these options; {@code defaults} come before the options (a command's own defaults, which an
     * explicit option overrides).
     *
     * @throws dev.switchboard.runtime.config.ConfigException naming the key and where it came from
     */
    SwitchboardConfig load(List<ConfigOverride> defaults) {
        Path home = home();
        List<ConfigOverride> flags = new ArrayList<>(defaults);
        flags.addAll(flags());
        return ConfigLoader.load(home, configFile(home), System.getenv(), flags);
    }

    private List<ConfigOverride> flags() {
        List<ConfigOverride> flags = new ArrayList<>();
        for (String setting : settings) {
            int eq = setting.indexOf('=');
            if (eq <= 0) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--set needs KEY=VALUE, got '" + setting + "'");
            }
            flags.add(new ConfigOverride(setting.substring(0, eq).strip(), setting.substring(eq + 1), "--set " + setting));
        }
        add(flags, "host", host, "--host");
        add(flags, "port", port, "--port");
        add(flags, "plugins.dir", pluginsDir, "--plugins-dir");
        add(flags, "skills.dir", skillsDir, "--skills-dir");
        return flags;
    }

    private static void add(List<ConfigOverride> flags, String key, String value, String flag) {
        if (value != null) {
            flags.add(new ConfigOverride(key, value, flag + " " + value));
        }
    }

    /** The Switchboard home: where the launcher says, else the working directory. */
    static Path home() {
        String home = System.getProperty("switchboard.home", System.getenv().getOrDefault("SWITCHBOARD_HOME", ""));
        return (home.isBlank() ? Path.of("") : Path.of(home)).toAbsolutePath().normalize();
    }

    private Optional<Path> configFile(Path home) {
        if (configFile != null) {
            return Optional.of(configFile.toAbsolutePath());
        }
        String fromEnv = System.getenv("SWITCHBOARD_CONFIG");
        if (fromEnv != null && !fromEnv.isBlank()) {
            return Optional.of(Path.of(fromEnv).toAbsolutePath());
        }
        Path standard = home.resolve("conf").resolve("switchboard.yaml");
        return Files.isRegularFile(standard) ? Optional.of(standard) : Optional.empty();
    }
}
