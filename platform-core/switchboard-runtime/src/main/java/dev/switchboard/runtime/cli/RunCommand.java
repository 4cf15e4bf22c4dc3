package dev.switchboard.runtime.cli;

import dev.switchboard.runtime.config.SwitchboardConfig;
import dev.switchboard.runtime.plugins.PluginState;
import dev.switchboard.runtime.plugins.PluginView;
import dev.switchboard.runtime.server.Switchboard;
import dev.switchboard.runtime.server.Versions;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

/** {@code switchboard run}: starts the host and serves until SIGTERM or Ctrl-C. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Start Switchboard and serve until stopped (Ctrl-C or SIGTERM shut it down gracefully).",
                "Configuration: embedded defaults, then the config file, then SWITCHBOARD_* variables, then these options."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:stopped normally", "1:could not start (e.g. the port is in use)", "2:invalid configuration or usage"})
final class RunCommand implements Callable<Integer> {

    @CommandLine.Mixin
    HostOptions options;

    @Override
    public Integer call() throws Exception {
        long started = System.nanoTime();
        StopOnSignal signal = StopOnSignal.install();
        HostOptions.Start start = signal.start(options, List.of());
        if (start.host() == null) {
            return start.exitCode();
        }
        SwitchboardConfig config = start.config();
        Switchboard host = start.host();
        banner(System.out, host, config, (System.nanoTime() - started) / 1_000_000);
        host.join();
        signal.awaitStopped();
        return 0;
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
