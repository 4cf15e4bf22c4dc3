package dev.switchboard.runtime.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code bin/switchboard}: the command line of the host.
 *
 * <pre>
 * switchboard run [--host H] [--port N] [--config FILE] [--plugins-dir DIR] [--skills-dir DIR] [--set key=value]...
 * switchboard mcp --stdio [the options of run]
 * switchboard version
 * switchboard --help
 * </pre>
 */
@Command(name = "switchboard",
        mixinStandardHelpOptions = true,
        versionProvider = VersionCommand.Provider.class,
        description = "Switchboard: a plugin platform and MCP skill host on the JVM.",
        subcommands = {RunCommand.class, McpCommand.class, VersionCommand.class, CommandLine.HelpCommand.class},
        footer = {"", "Run 'switchboard help run' for the options of run. Documentation: the docs/ folder of the distribution."})
public final class Main implements Runnable {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        if (args.length > 0 && "mcp".equals(args[0])) {
            // Before anything logs: stdout is for MCP messages.
            System.setProperty(McpCommand.LOG_TARGET_PROPERTY, "System.err");
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
