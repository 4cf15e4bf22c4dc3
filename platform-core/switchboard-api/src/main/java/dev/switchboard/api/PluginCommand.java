package dev.switchboard.api;

import java.io.PrintStream;
import java.util.List;

/**
 * A command a plugin adds to Switchboard's command line: {@code bin/switchboard <plugin id> <name>
 * [arguments]}. The launcher starts the host (plugins loaded, on a free port, logs on stderr),
 * runs the command, stops the host and exits with the command's code.
 *
 * @since 0.1.0
 */
@FunctionalInterface
public interface PluginCommand {

    /**
     * Runs the command.
     *
     * @param args the arguments after the command's name, as given
     * @param out  the process's standard output, for the command's result
     * @param err  standard error, for messages to the person running it
     * @return the exit code: 0 for success, 2 for bad usage, 1 for anything else
     */
    int run(List<String> args, PrintStream out, PrintStream err) throws Exception;
}
