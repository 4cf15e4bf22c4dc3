package dev.switchboard.plugins.kong;

import dev.switchboard.testkit.SwitchboardExtension;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Test hosts for the kong plugin: the packaged plugin under test, the echo plugin, and a policy file. */
final class KongTestHosts {

    private KongTestHosts() {
    }

    /** A host running the kong plugin (from {@code plugin.jar}) with {@code policy}, and the echo plugin built next to it. */
    static SwitchboardExtension.Builder host(Path policy) {
        return SwitchboardExtension.builder()
                .plugin(Path.of(System.getProperty("plugin.jar")))
                .plugin(EchoPlugin.build(policy.getParent()))
                .set("kong.declarative_config", policy.toString());
    }

    /** {@code kong.yml} with {@code yaml}, in a new temporary directory named after {@code test}. */
    static Path policy(String test, String yaml) {
        try {
            return Files.writeString(Files.createTempDirectory(test).resolve("kong.yml"), yaml);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
