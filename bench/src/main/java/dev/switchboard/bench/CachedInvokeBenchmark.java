package dev.switchboard.bench;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.switchboard.api.SkillResult;
import dev.switchboard.runtime.skills.SkillRegistry;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A cached {@code invokeSkill} hit (the path every caller takes: resolve, check the input against
 * its schema once per distinct input, look the input up, wrap the result) next to a bare
 * Caffeine {@code getIfPresent} on the input's canonical JSON. The ratio is the cost of our path.
 * The skill is the seed skill sse-handler, its cache warmed by one real call.
 */
@State(Scope.Benchmark)
@BenchmarkMode({Mode.AverageTime})
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class CachedInvokeBenchmark {

    private SkillRegistry registry;
    private JsonNode input;
    private Cache<String, JsonNode> bare;
    private String key;

    @Setup
    public void setUp() throws Exception {
        Path seeds = Path.of(System.getProperty("switchboard.skills"));
        Path dir = Files.createTempDirectory("bench-skills");
        CopyTree.copy(seeds.resolve("sse-handler"), dir.resolve("sse-handler"));
        registry = Workloads.registry(dir, 1);
        registry.reload();
        input = JsonMapper.shared().readTree(seeds.resolve("sse-handler/cases.json").toFile()).get(0).get("input");
        SkillResult first = registry.invoke("sse-handler", input);
        if (first.cached() || !registry.invoke("sse-handler", input).cached()) {
            throw new IllegalStateException("the second call should be the first cached one");
        }
        bare = Caffeine.newBuilder().maximumSize(10_000).expireAfterWrite(java.time.Duration.ofMinutes(1)).build();
        // The invoker's key until 2026-12 (it is now the input itself): the input's canonical JSON, whose String caches its hash.
        key = JsonMapper.builder().enable(tools.jackson.databind.cfg.JsonNodeFeature.WRITE_PROPERTIES_SORTED).build()
                .writeValueAsString(input);
        bare.put(key, first.output());
    }

    @TearDown
    public void tearDown() {
        registry.close();
    }

    @Benchmark
    public SkillResult cachedInvokeSkill() {
        return registry.invoke("sse-handler", input);
    }

    @Benchmark
    public JsonNode bareCaffeineGetIfPresent() {
        return bare.getIfPresent(key);
    }
}
