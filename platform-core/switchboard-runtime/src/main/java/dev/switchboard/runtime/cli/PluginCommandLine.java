package dev.switchboard.runtime.cli;

import dev.switchboard.runtime.config.ConfigOverride;
import dev.switchboard.runtime.lang.ContextLoader;
import dev.switchboard.runtime.plugins.PluginManager;
import dev.switchboard.runtime.server.Switchboard;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * {@code switchboard <plugin id> <command> [arguments]}: a command a plugin added
 * ({@code Platform.command}). The host starts as {@code run} would (configuration file and
 * {@code SWITCHBOARD_*} variables), on free ports unless {@code SWITCHBOARD_PORT} or
 * {@code SWITCHBOARD_TLS_PORT} say otherwise,
 * with its logs on stderr, and without reading the skills directory; the command runs once the
 * plugins are loaded; then the host stops.
 */
final class PluginCommandLine {

    private PluginCommandLine() {
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        String pluginId = args[0];
        List<String> rest = Arrays.asList(args).subList(1, args.length);
        // Free ports, so that a command never collides with the Switchboard already serving.
        List<ConfigOverride> defaults = new java.util.ArrayList<>();
        if (System.getenv("SWITCHBOARD_PORT") == null) {
            defaults.add(new ConfigOverride("port", "0", pluginId + " command (a free port)"));
        }
        if (System.getenv("SWITCHBOARD_TLS_PORT") == null) {
            defaults.add(new ConfigOverride("tls.port", "0", pluginId + " command (a free port)"));
        }
        // A command runs once and exits: it never starts (or waits to stop) the Python runtime.
        HostOptions.Start start = new HostOptions().start(defaults, false);
        if (start.host() == null) {
            return start.exitCode();
        }
        try (Switchboard host = start.host()) {
            Map<String, PluginManager.LiveCommand> commands = host.plugins().commands().get(pluginId);
            if (commands == null) {
                err.println("switchboard: '" + pluginId + "' is neither a command of switchboard nor a live plugin with commands"
                        + (host.plugins().commands().isEmpty() ? "" : " (plugins with commands: " + String.join(", ", host.plugins().commands().keySet()) + ")")
                        + ". Try 'switchboard --help'.");
                return 2;
            }
            if (rest.isEmpty() || rest.getFirst().equals("--help") || rest.getFirst().equals("help")) {
                usage(pluginId, commands, rest.isEmpty() ? err : out);
                return rest.isEmpty() ? 2 : 0;
            }
            PluginManager.LiveCommand command = commands.get(rest.getFirst());
            if (command == null) {
                err.println("switchboard: plugin '" + pluginId + "' has no command '" + rest.getFirst() + "'.");
                usage(pluginId, commands, err);
                return 2;
            }
            try {
                return ContextLoader.call(command.loader(), () -> command.command().run(List.copyOf(rest.subList(1, rest.size())), out, err));
            } catch (Exception e) {
                err.println("switchboard: " + pluginId + " " + command.name() + " failed: " + e);
                return 1;
            } finally {
                out.flush();
            }
        }
    }

    private static void usage(String pluginId, Map<String, PluginManager.LiveCommand> commands, PrintStream to) {
        to.println("Usage: switchboard " + pluginId + " <command> [arguments]");
        to.println("Commands:");
        commands.values().forEach(c -> to.printf("  %-12s %s%n", c.name(), c.description()));
    }
}
