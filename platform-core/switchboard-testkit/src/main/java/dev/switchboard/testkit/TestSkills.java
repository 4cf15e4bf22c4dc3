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

    /**
     * {@code slow-start}: a Python skill whose warm-up example sleeps {@code warmUpSeconds}, so it
     * stays loading for that long per context; it echoes its input ({@code {"sleep": 0}} answers at
     * once) and has no output schema. Timeout 20 s. Written as {@code dir/slow-start} (its code
     * first, then its SKILL.md, so a watched directory never sees a SKILL.md without its code),
     * which is returned.
     */
    public static Path slowStart(Path dir, int warmUpSeconds) {
        try {
            Path folder = dir.resolve("slow-start");
            Files.createDirectories(folder);
            Files.writeString(folder.resolve("slow.py"), """
                    import time

                    def run(input):
                        time.sleep(input.get('sleep', 0))
                        return input
                    """);
            Files.writeString(folder.resolve("SKILL.md"), """
                    ---
                    name: slow-start
                    description: Takes a while to warm up; echoes its input.
                    switchboard:
                      runtime: python
                      entry: slow.py:run
                      timeout: 20s
                      input_schema: {type: object, properties: {sleep: {type: number}}, examples: [{sleep: %d}]}
                    ---
                    """.formatted(warmUpSeconds));
            return folder;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
