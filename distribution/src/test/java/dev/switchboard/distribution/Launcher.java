package dev.switchboard.distribution;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** Runs {@code bin/switchboard} of a distribution as a separate process, the way an operator would. */
final class Launcher implements AutoCloseable {

    static final Path DIST = Path.of(System.getProperty("switchboard.dist"));
    static final String VERSION = System.getProperty("switchboard.version");

    private final Process process;
    private final StringBuffer output = new StringBuffer();
    private final Thread pump;

    private Launcher(Process process) {
        this.process = process;
        this.pump = Thread.ofVirtual().start(() -> {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = reader.readLine()) != null) {
                    output.append(line).append('\n');
                }
            } catch (IOException e) {
                output.append("[output closed: ").append(e.getMessage()).append("]\n");
            }
        });
    }

    /**
     * Starts {@code bin/switchboard args...} in {@code home} with the inherited environment minus
     * JAVA_HOME (so the launcher must find JDK 25 itself; the java on PATH here is older), plus {@code env}.
     */
    static Launcher start(Path home, Map<String, String> env, String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(home.resolve("bin/switchboard").toString());
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(home.toFile()).redirectErrorStream(true);
        builder.environment().remove("JAVA_HOME");
        builder.environment().keySet().removeIf(k -> k.startsWith("SWITCHBOARD_"));
        builder.environment().putAll(env);
        return new Launcher(builder.start());
    }

    /** Runs to completion (at most a minute) and returns the exit code. */
    int exitCode() throws InterruptedException {
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the launcher did not exit; output:\n" + output);
        }
        pump.join(5000);
        return process.exitValue();
    }

    String output() {
        return output.toString();
    }

    /** Waits until the output matches {@code pattern} and returns the match. */
    Matcher await(Pattern pattern, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            Matcher matcher = pattern.matcher(output);
            if (matcher.find()) {
                return matcher;
            }
            if (!process.isAlive()) {
                pump.join(2000);
                matcher = pattern.matcher(output);
                if (matcher.find()) {
                    return matcher;
                }
                throw new AssertionError("the launcher exited (" + process.exitValue() + ") before printing " + pattern + ":\n" + output);
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no " + pattern + " within " + timeout + "; output so far:\n" + output);
    }

    /**
     * Sends SIGTERM, as a service manager would. Through the process handle: {@code Process.destroy()}
     * would also close our end of its output, and we want to read what it prints while stopping.
     */
    void terminate() {
        process.toHandle().destroy();
    }

    long pid() {
        return process.pid();
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
        }
    }

    /** A private copy of the unpacked distribution, so a test may change its plugins and conf. */
    static Path copyOfDistribution(Path into) throws IOException {
        Path home = into.resolve("switchboard");
        try (Stream<Path> walk = Files.walk(DIST)) {
            for (Path source : walk.sorted(Comparator.naturalOrder()).toList()) {
                Path target = home.resolve(DIST.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        return home;
    }
}
