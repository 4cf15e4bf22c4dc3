package dev.switchboard.runtime.cli;

import dev.switchboard.runtime.config.ConfigException;
import dev.switchboard.runtime.config.ConfigLoader;
import dev.switchboard.runtime.config.ConfigOverride;
import dev.switchboard.runtime.config.SwitchboardConfig;
import dev.switchboard.runtime.plugins.PluginState;
import dev.switchboard.runtime.plugins.PluginView;
import dev.switchboard.runtime.server.StartupException;
import dev.switchboard.runtime.server.Switchboard;
import dev.switchboard.runtime.server.Versions;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;

/** {@code switchboard run}: starts the host and serves until SIGTERM or Ctrl-C. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Start Switchboard and serve until stopped (Ctrl-C or SIGTERM shut it down gracefully).",
                "Configuration: embedded defaults, then the config file, then SWITCHBOARD_* variables, then these options."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:stopped normally", "1:could not start (e.g. the port is in use)", "2:invalid configuration or usage"})
final class RunCommand implements Callable<Integer> {

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

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        long started = System.nanoTime();
        Path home = home();
        SwitchboardConfig config;
        Switchboard host;
        try {
            config = ConfigLoader.load(home, configFile(home), System.getenv(), flags());
            host = Switchboard.start(config);
        } catch (ConfigException e) {
            System.err.println("switchboard: " + e.getMessage());
            return 2;
        } catch (StartupException e) {
            System.err.println("switchboard: " + e.getMessage());
            return 1;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("switchboard-shutdown").unstarted(() -> {
            host.close();
            stopped.countDown();
        }));
        banner(System.out, host, config, (System.nanoTime() - started) / 1_000_000);
        host.join();
        stopped.await();
        return 0;
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

    private static void banner(PrintStream out, Switchboard host, SwitchboardConfig config, long millis) {
        List<PluginView> plugins = host.plugins().list();
        Map<PluginState, List<PluginView>> byState = plugins.stream().collect(Collectors.groupingBy(PluginView::state));
        String base = host.httpUri().toString();
        out.println();
        out.println("Switchboard " + Versions.switchboard() + " is ready (" + millis + " ms)");
        out.println("  Listening   " + base + "  (HTTP/1.1" + (config.settings().http2() ? " + h2c" : "") + ")"
                + host.httpsUri().map(u -> "\n              " + u + "  (TLS)").orElse(""));
        if (plugins.isEmpty()) {
            out.println("  Plugins     none yet: drop plugin jars into " + config.pluginsDir());
        } else {
            out.println("  Plugins     " + describe(byState.get(PluginState.STARTED), "started")
                    + describe(byState.get(PluginState.FAILED), "FAILED")
                    + describe(byState.get(PluginState.DISABLED), "disabled")
                    + describe(byState.get(PluginState.STOPPED), "stopped"));
            out.println("              from " + config.pluginsDir() + "  (details: GET " + base + "/admin/plugins)");
        }
        out.println("  Admin API   " + base + "/admin  (reachable from " + String.join(", ", config.settings().admin().allowedAddresses()) + ")");
        if (host.adminTokenGenerated()) {
            out.println("  Admin token " + host.adminToken() + "  (generated for this run; set admin.token or SWITCHBOARD_ADMIN_TOKEN to fix one)");
        } else {
            out.println("  Admin token from configuration");
        }
        out.println("  Health      " + base + "/health/ready");
        out.println("  Config      " + config.file().map(Path::toString).orElse("embedded defaults"));
        out.println("Press Ctrl-C to stop.");
        out.println();
        out.flush();
    }

    private static String describe(List<PluginView> views, String label) {
        if (views == null || views.isEmpty()) {
            return "";
        }
        return views.size() + " " + label + " (" + views.stream().map(v -> v.id() + (v.version() == null ? "" : " " + v.version()))
                .collect(Collectors.joining(", ")) + ")  ";
    }
}
