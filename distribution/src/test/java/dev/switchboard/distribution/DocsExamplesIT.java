package dev.switchboard.distribution;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The documentation's examples, run against the distribution as shipped, so that what a reader
 * copies works. Every {@code ```console} block of the repository's README, the distribution's
 * README and {@code docs/*.md} is one: lines starting with {@code $ } are commands (a trailing
 * {@code \} continues one), and the lines after a command, up to the next, are what it prints.
 *
 * <ul>
 *   <li>Each document gets a fresh copy of the distribution, started with {@code bin/switchboard
 *       run} and its defaults (and, when an example calls {@code /api/skills}, with the seed skills
 *       loaded); its blocks run in order, each in
 *       one {@code sh} in the distribution's folder (a {@code cd} or a variable lasts to the end of
 *       the block), with {@code TOKEN} set to the admin token the banner printed.</li>
 *   <li>{@code localhost:8080} and {@code 127.0.0.1:8080} in a command mean the running
 *       distribution (the test listens on a free port).</li>
 *   <li>The output (stdout and stderr) must be what the block shows; in a shown line {@code ...}
 *       stands for any text, and a line that is only {@code ...} for any number of lines. A
 *       command shown with no output must print nothing. Exit codes are not checked: a stream
 *       followed with {@code --max-time} ends with curl's 28.</li>
 * </ul>
 */
class DocsExamplesIT {

    private static final Pattern LISTENING = Pattern.compile("Listening +http://127\\.0\\.0\\.1:(\\d+)");
    private static final Pattern TOKEN = Pattern.compile("Admin token (\\S+) +\\(generated");
    private static final Pattern FENCE = Pattern.compile("^```console\\s*$");
    private static final String MARK = "@@switchboard-docs-example@@";

    @TempDir
    Path temp;

    @TestFactory
    Stream<DynamicTest> everyConsoleExampleRunsAsShown() throws IOException {
        Path repo = Path.of(System.getProperty("switchboard.repo"));
        List<Path> documents = new ArrayList<>(List.of(repo.resolve("README.md"), Launcher.DIST.resolve("README.md")));
        try (Stream<Path> docs = Files.list(Launcher.DIST.resolve("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(documents::add);
        }
        List<DynamicTest> tests = new ArrayList<>();
        for (Path document : documents) {
            List<Block> blocks = blocks(document);
            if (!blocks.isEmpty()) {
                String name = repo.relativize(document.toAbsolutePath().normalize()).toString();
                tests.add(DynamicTest.dynamicTest(name + " (" + blocks.size() + " examples)", () -> run(name, blocks)));
            }
        }
        assertThat(tests).as("documents with console examples").hasSizeGreaterThanOrEqualTo(4);
        return tests.stream();
    }

    /** One command and the lines the document shows for it. */
    record Example(int line, String command, List<String> expected) {
    }

    /** The examples of one console block, run in one shell. */
    record Block(int line, List<Example> examples) {
    }

    static List<Block> blocks(Path document) throws IOException {
        List<String> lines = Files.readAllLines(document, StandardCharsets.UTF_8);
        List<Block> blocks = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            if (!FENCE.matcher(lines.get(i)).matches()) {
                continue;
            }
            int start = i + 1;
            List<Example> examples = new ArrayList<>();
            for (i = start; i < lines.size() && !lines.get(i).startsWith("```"); i++) {
                String line = lines.get(i);
                if (line.startsWith("$ ")) {
                    int at = i + 1;
                    StringBuilder command = new StringBuilder(line.substring(2));
                    while (command.toString().endsWith("\\") && i + 1 < lines.size()) {
                        command.append('\n').append(lines.get(++i));
                    }
                    examples.add(new Example(at, command.toString(), new ArrayList<>()));
                } else if (!examples.isEmpty()) {
                    examples.getLast().expected().add(line);
                } else if (!line.isBlank()) {
                    throw new IllegalStateException(document + ":" + (i + 1) + ": a console block starts with a '$ ' command");
                }
            }
            for (Example example : examples) {
                while (!example.expected().isEmpty() && example.expected().getLast().isBlank()) {
                    example.expected().removeLast();
                }
            }
            blocks.add(new Block(start, examples));
        }
        return blocks;
    }

    private void run(String document, List<Block> blocks) throws Exception {
        Path home = Launcher.copyOfDistribution(temp.resolve(document.replace('/', '_')));
        try (Launcher switchboard = Launcher.start(home, Map.of(), "run", "--port", "0")) {
            String port = switchboard.await(LISTENING, Duration.ofSeconds(60)).group(1);
            String token = switchboard.await(TOKEN, Duration.ofSeconds(10)).group(1);
            if (blocks.stream().flatMap(b -> b.examples().stream()).anyMatch(e -> e.command().contains("/api/skills"))) {
                // The seed skills load after the host is ready.
                switchboard.await(Pattern.compile("Skill monaco-config \\S+ ready"), Duration.ofSeconds(120));
                switchboard.await(Pattern.compile("Skill sse-handler \\S+ ready"), Duration.ofSeconds(120));
            }
            for (Block block : blocks) {
                List<String> outputs = shell(home, token, port, block);
                for (int i = 0; i < block.examples().size(); i++) {
                    Example example = block.examples().get(i);
                    List<String> actual = i < outputs.size() ? lines(outputs.get(i)) : List.of("(the block's shell ended before this command)");
                    assertThat(matches(example.expected(), 0, actual, 0))
                            .as("%s:%d: $ %s%nshown:%n%s%nprinted:%n%s", document, example.line(), example.command(),
                                    String.join("\n", example.expected()), String.join("\n", actual))
                            .isTrue();
                }
            }
            switchboard.terminate();
            switchboard.exitCode();
        }
    }

    /** Runs the block's commands in one shell; returns what each printed. */
    private static List<String> shell(Path home, String token, String port, Block block) throws Exception {
        StringBuilder script = new StringBuilder("exec 2>&1\n");
        for (Example example : block.examples()) {
            script.append(example.command().replace("localhost:8080", "127.0.0.1:" + port).replace("127.0.0.1:8080", "127.0.0.1:" + port))
                    .append('\n').append("printf '\\n").append(MARK).append("\\n'\n");
        }
        ProcessBuilder builder = new ProcessBuilder("sh", "-c", script.toString()).directory(home.toFile()).redirectErrorStream(true);
        builder.environment().keySet().removeIf(k -> k.startsWith("SWITCHBOARD_"));
        builder.environment().put("TOKEN", token);
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the block at line " + block.line() + " did not finish; output so far:\n" + output);
        }
        List<String> outputs = new ArrayList<>(List.of(output.split("\n" + Pattern.quote(MARK) + "\n", -1)));
        outputs.removeLast();
        return outputs;
    }

    private static List<String> lines(String output) {
        List<String> lines = new ArrayList<>(List.of(output.split("\n", -1)));
        while (!lines.isEmpty() && lines.getLast().isBlank()) {
            lines.removeLast();
        }
        return lines;
    }

    /** Whether {@code actual} from {@code j} is what {@code shown} from {@code i} shows. */
    static boolean matches(List<String> shown, int i, List<String> actual, int j) {
        if (i == shown.size()) {
            return j == actual.size();
        }
        if (shown.get(i).equals("...")) {
            for (int k = j; k <= actual.size(); k++) {
                if (matches(shown, i + 1, actual, k)) {
                    return true;
                }
            }
            return false;
        }
        return j < actual.size() && line(shown.get(i)).matcher(actual.get(j)).matches() && matches(shown, i + 1, actual, j + 1);
    }

    private static Pattern line(String shown) {
        StringBuilder regex = new StringBuilder();
        String[] parts = shown.split(Pattern.quote("..."), -1);
        for (int p = 0; p < parts.length; p++) {
            if (p > 0) {
                regex.append(".*");
            }
            regex.append(Pattern.quote(parts[p]));
        }
        return Pattern.compile(regex.toString(), Pattern.DOTALL);
    }
}
