package dev.switchboard.runtime.cli;

import dev.switchboard.runtime.server.Versions;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code switchboard version}: prints the host version and the Java it runs on. */
@Command(name = "version", description = "Print the Switchboard version and the Java runtime.")
final class VersionCommand implements Runnable {

    @Override
    public void run() {
        for (String line : new Provider().getVersion()) {
            System.out.println(line);
        }
    }

    static final class Provider implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[]{
                    "Switchboard " + Versions.switchboard(),
                    "Java " + Runtime.version() + " (" + System.getProperty("java.vendor") + ", " + System.getProperty("java.home") + ")"
            };
        }
    }
}
