package dev.switchboard.testkit.skills;

import dev.switchboard.testkit.SwitchboardExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Skills that burn CPU (a Python loop never yields) run on platform threads: more of them than
 * there are cores must not leave the host's request threads (virtual threads) without a carrier.
 */
class CpuBoundSkillsIT {

    static final SkillFolders SKILLS = new SkillFolders("cpu-bound-it-");
    static final int RUNS = Runtime.getRuntime().availableProcessors() + 1;

    @RegisterExtension
    static SwitchboardExtension switchboard = SwitchboardExtension.builder()
            .skill(SKILLS.folder("burn", """
                    ---
                    name: burn
                    description: Burns CPU until its timeout stops it.
                    switchboard:
                      runtime: python
                      entry: burn.py:run
                      timeout: 4s
                      cache: {enabled: false}
                      input_schema: {type: object, properties: {n: {type: integer}}}
                      output_schema: {type: object}
                    ---
                    """, "burn.py", """
                    def run(input):
                        n = 0
                        while True:
                            n += 1
                    """))
            .set("skills.python_contexts", String.valueOf(RUNS))
            // Stopped at the timeout itself, not 30 s later as in a skill's JIT window after load.
            .set("skills.python_jit_window", "0s")
            .build();

    @Test
    void moreCpuBoundRunsThanCoresLeaveRequestsServed() throws Exception {
        List<CompletableFuture<HttpResponse<String>>> burning = new ArrayList<>();
        for (int i = 0; i < RUNS; i++) {
            burning.add(switchboard.client().sendAsync(switchboard.as("x", "/api/skills/burn/invoke").header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"n\":" + i + "}")).build(), HttpResponse.BodyHandlers.ofString()));
        }
        // Let every run get going (each holds a core until its 4 s timeout stops it).
        Thread.sleep(1000);
        HttpResponse<String> live = switchboard.get("/health/live");
        assertThat(live.statusCode()).isEqualTo(200);
        assertThat(burning).as("the health answer came while every run was still burning").noneMatch(CompletableFuture::isDone);
        for (CompletableFuture<HttpResponse<String>> run : burning) {
            HttpResponse<String> stopped = run.get(60, TimeUnit.SECONDS);
            assertThat(stopped.statusCode()).as(stopped.body()).isEqualTo(504);
        }
    }
}
