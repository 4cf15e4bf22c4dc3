package dev.switchboard.runtime.cli;

import java.io.PrintStream;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code bin/switchboard}: the command line of the host.
 *
 * <pre>
 * switchboard run [--host H] [--port N] [--config FILE] [--plugins-dir DIR] [--skills-dir DIR] [--set key=value]...
 * switchboard mcp --stdio [the options of run]
 * switchboard version
 * switchboard <plugin id> <command> [arguments]     a command a plugin adds (e.g. kong export)
 * switchboard --help
 * </pre>
 */
@Command(name = "switchboard",
        mixinStandardHelpOptions = true,
        versionProvider = VersionCommand.Provider.class,
        description = "Switchboard: a plugin platform and MCP skill host on the JVM.",
        subcommands = {RunCommand.class, McpCommand.class, VersionCommand.class, CommandLine.HelpCommand.class},
        footer = {"", "Plugins may add commands: switchboard <plugin id> <command> (e.g. switchboard kong export).",
                "Run 'switchboard help run' for the options of run. Documentation: the docs/ folder of the distribution."})
public final class Main implements Runnable {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    /** The host's own commands; any other first word names a plugin whose command is run. */
    private static final java.util.Set<String> COMMANDS = java.util.Set.of("run", "mcp", "version", "help");

    public static void main(String[] args) {
        if (args.length > 0 && ("mcp".equals(args[0]) || !args[0].startsWith("-") && !COMMANDS.contains(args[0]))) {
            // Before anything logs: stdout is for MCP messages, or for the plugin command's output.
            System.setProperty(McpCommand.LOG_TARGET_PROPERTY, "System.err");
        }
        if (args.length > 0 && !args[0].startsWith("-") && !COMMANDS.contains(args[0])) {
            PrintStream out = System.out;
            // Whatever else prints to System.out (a library, another plugin) goes to stderr.
            System.setOut(System.err);
            System.exit(PluginCommandLine.run(args, out, System.err));
        }
        int exit = new CommandLine(new Main())
                .setCaseInsensitiveEnumValuesAllowed(true)
                .execute(args);
        if (exit != 0 || args.length == 0 || !"run".equals(args[0])) {
            System.exit(exit);
        }
    }

    /** Without a command: say so with the usage, and fail (so scripts notice). */
    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing command: try 'switchboard run'.");
    }
}
