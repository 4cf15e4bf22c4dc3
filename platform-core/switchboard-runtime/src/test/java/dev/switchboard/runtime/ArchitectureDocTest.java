package dev.switchboard.runtime;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * docs/architecture.md against the code: its package list names exactly the runtime's packages,
 * the files of its "Where things are" table exist, and the dependencies it promises hold
 * (nothing but {@code server} depends on {@code web}; {@code http}, {@code lang}, {@code files} and
 * {@code config} depend on no other package).
 */
class ArchitectureDocTest {

    private static final Path DOC = Path.of("../../docs/architecture.md");
    private static final Path SOURCES = Path.of("src/main/java/dev/switchboard/runtime");
    private static final Pattern LISTED = Pattern.compile("(?m)^- `([a-z]+)`: ");
    private static final Pattern WHERE = Pattern.compile("`([a-z]+/[A-Za-z]+\\.java)`");
    private static final Pattern USES = Pattern.compile("dev\\.switchboard\\.runtime\\.([a-z]+)\\.[A-Z]");

    @Test
    void thePackageListNamesEveryPackageOnDisk() throws IOException {
        Set<String> listed = new TreeSet<>();
        Matcher matcher = LISTED.matcher(Files.readString(DOC));
        while (matcher.find()) {
            listed.add(matcher.group(1));
        }
        assertThat(listed).as("packages listed in docs/architecture.md").isEqualTo(dependencies().keySet());
    }

    @Test
    void theFilesOfWhereThingsAreExist() throws IOException {
        String doc = Files.readString(DOC);
        String table = doc.substring(doc.indexOf("## Where things are"), doc.indexOf("```", doc.indexOf("## Where things are")));
        List<String> files = new ArrayList<>();
        Matcher matcher = WHERE.matcher(table);
        while (matcher.find()) {
            files.add(matcher.group(1));
        }
        assertThat(files).isNotEmpty().allSatisfy(file -> assertThat(SOURCES.resolve(file)).as(file).isRegularFile());
    }

    @Test
    void theDependenciesTheDocPromisesHold() throws IOException {
        Map<String, Set<String>> uses = dependencies();
        uses.forEach((pkg, used) -> {
            if (!pkg.equals("server")) {
                assertThat(used).as("%s depends on web", pkg).doesNotContain("web");
            }
        });
        for (String leaf : List.of("http", "lang", "files", "config")) {
            assertThat(uses.get(leaf)).as("%s's dependencies on other runtime packages", leaf).isEmpty();
        }
    }

    /** Each runtime package, with the runtime packages its sources name. */
    private static Map<String, Set<String>> dependencies() throws IOException {
        Map<String, Set<String>> uses = new TreeMap<>();
        try (Stream<Path> packages = Files.list(SOURCES)) {
            for (Path dir : packages.filter(Files::isDirectory).toList()) {
                String pkg = dir.getFileName().toString();
                Set<String> used = new TreeSet<>();
                try (Stream<Path> files = Files.list(dir)) {
                    for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                        Matcher matcher = USES.matcher(Files.readString(file));
                        while (matcher.find()) {
                            used.add(matcher.group(1));
                        }
                    }
                }
                used.remove(pkg);
                uses.put(pkg, used);
            }
        }
        return uses;
    }
}
