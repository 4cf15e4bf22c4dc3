package dev.switchboard.bench;

import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;

/** What the HTTP benchmarks share: their {@code --name value} options, the head of a report, and writing it to {@code results/}. */
final class BenchReports {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private BenchReports() {
    }

    /** {@code --name value} pairs, by name. */
    static Map<String, String> options(String[] args) {
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            options.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        return options;
    }

    /** A report that says when, on what machine, and how long each cell warmed up and was measured. */
    static ObjectNode report(Duration warmup, Duration measure) {
        ObjectNode report = JSON.createObjectNode();
        report.put("date", LocalDateTime.now().toString());
        report.put("machine", Runtime.getRuntime().availableProcessors() + " cpus, " + System.getProperty("os.name") + " "
                + System.getProperty("os.arch") + ", Java " + Runtime.version());
        report.put("warmupSeconds", warmup.toSeconds()).put("measureSeconds", measure.toSeconds());
        return report;
    }

    /** Writes the report to {@code results/<prefix>-<date>.json}, and prints it and where it went. */
    static Path write(Path results, String prefix, ObjectNode report) throws IOException {
        Files.createDirectories(results);
        Path file = results.resolve(prefix + "-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH-mm-ss")) + ".json");
        String text = JSON.writerWithDefaultPrettyPrinter().writeValueAsString(report);
        Files.writeString(file, text);
        System.out.println(text);
        System.out.println("Results in " + file);
        return file;
    }
}
