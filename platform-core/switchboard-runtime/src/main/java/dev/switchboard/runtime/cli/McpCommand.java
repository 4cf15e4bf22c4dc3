package dev.switchboard.runtime.cli;

import dev.switchboard.runtime.config.ConfigOverride;
import dev.switchboard.runtime.server.Switchboard;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code switchboard mcp --stdio}: the host, serving MCP on stdin and stdout for a desktop client
 * that starts it. Logs go to stderr; stdout carries MCP messages only. The HTTP port is a free one
 * unless {@code --port} says otherwise, so that it never collides with a Switchboard already running.
 */
@Command(name = "mcp", mixinStandardHelpOptions = true,
        description = {"Serve MCP over stdio (one JSON-RPC message per line) for a desktop client that starts Switchboard itself.",
                "Logs go to stderr. Ends when stdin ends. HTTP is served too, on a free port unless --port is given."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:the client closed stdin", "1:could not start", "2:invalid configuration or usage"})
final class McpCommand implements Callable<Integer> {

    /** Set before logging starts, so that logback's console appender writes to stderr (see logback.xml). */
    static final String LOG_TARGET_PROPERTY = "switchboard.log.target";

    @Option(names = "--stdio", required = true, description = "Serve MCP on stdin and stdout (the only transport of this command).")
    boolean stdio;

    @CommandLine.Mixin
    HostOptions options;

    @Override
    public Integer call() throws Exception {
        // Whatever else prints to System.out from now on (a library, a plugin) goes to stderr: stdout is the protocol's.
        OutputStream protocol = new FileOutputStream(FileDescriptor.out);
        System.setOut(new PrintStream(new FileOutputStream(FileDescriptor.err), true));
        List<ConfigOverride> defaults = options.port == null ? List.of(new ConfigOverride("port", "0", "mcp --stdio (a free port)"))
                : List.of();
        StopOnSignal signal = StopOnSignal.install();
        HostOptions.Start start = signal.start(options, defaults);
        if (start.host() == null) {
            signal.remove();
            return start.exitCode();
        }
        Switchboard host = start.host();
        if (host.mcp() == null) {
            System.err.println("switchboard: mcp.enabled is false; nothing to serve on stdio");
            host.close();
            signal.remove();
            return 2;
        }
        System.err.println("Switchboard serves MCP on stdio (and HTTP on " + host.httpUri() + "); it stops when stdin ends.");
        try {
            // The skills were read before the start returned: every one is a tool at once, and a
            // call to one still loading waits for it.
            host.mcp().serveStdio(System.in, protocol, host.config().settings().shutdown().timeout(), host.skillsRead());
        } finally {
            host.close();
            signal.remove();
        }
        return 0;
    }
}
