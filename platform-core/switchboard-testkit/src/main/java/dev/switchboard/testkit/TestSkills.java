package dev.switchboard.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Skill folders with a known behaviour, for tests of what calls skills (cancellation, timeouts, shutdown). */
public final class TestSkills {

    private TestSkills() {
    }

    /**
     * {@code spin}: a Python skill that counts for as long as {@code {"forever": true}} lets it (until
     * cancelled or timed out, at 10 minutes), and answers {@code {"n": 0}} at once otherwise; no
     * cache, output {@code {n}}. Written as {@code dir/spin}, which is returned.
     */
    public static Path spin(Path dir) {
        try {
            Path folder = dir.resolve("spin");
            Files.createDirectories(folder);
            Files.writeString(folder.resolve("SKILL.md"), """
                    ---
                    name: spin
                    description: Counts for as long as it is let.
                    switchboard:
                      runtime: python
                      entry: spin.py:run
                      timeout: 10m
                      cache: {enabled: false}
                      input_schema: {type: object, properties: {forever: {type: boolean}}}
                      output_schema: {type: object}
                    ---
                    """);
            Files.writeString(folder.resolve("spin.py"), """
                    def run(input):
                        n = 0
                        while input.get("forever"):
                            n += 1
                        return {"n": n}
                    """);
            return folder;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
