package dev.switchboard.runtime.skills;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import tools.jackson.databind.JsonNode;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.Function;

/**
 * One version of a skill, ready to invoke: its manifest, its compiled schemas, its prepared code,
 * its meters and its own output cache. A new version (an edited folder, a new content hash) is a
 * new {@code LoadedSkill} with an empty cache, so an edit drops the old outputs with the old version.
 */
final class LoadedSkill implements AutoCloseable {

    final SkillManifest manifest;
    final SchemaCheck input;
    final SchemaCheck output;
    final SkillRuntime.Runner runner;
    /** {@code switchboard.skills.latency} of this skill, resolved once rather than on every call. */
    final Timer latency;
    /** {@code switchboard.skills.cache} hits and misses: resolved once (a registry lookup per call cost more than the hit itself). */
    final Counter hits;
    final Counter misses;
    /** {@code switchboard.skills.calls} by outcome, resolved on first use. */
    private final Map<String, Counter> outcomes = new ConcurrentHashMap<>();
    private final Function<String, Counter> outcomeCounter;
    /**
     * Size-bounded (W-TinyLFU, LRU-like) with the skill's TTL; concurrent identical calls share one
     * future. Keyed by the input itself (a copy): {@link JsonNode#equals} compares objects as maps,
     * whatever their key order, so equal inputs meet without writing a canonical text on every
     * call. Null when caching is off.
     */
    final AsyncCache<JsonNode, RunOutcome> cache;
    /** The last good output per input, kept for {@code fallback: stale}; null otherwise. */
    final Cache<JsonNode, JsonNode> lastGood;

    LoadedSkill(SkillManifest manifest, SchemaCheck input, SkillRuntime.Runner runner, Executor executor, MeterRegistry meters) {
        this.manifest = manifest;
        this.input = input;
        this.output = SchemaCheck.of(manifest.outputSchema());
        this.runner = runner;
        String name = manifest.name();
        this.latency = Timer.builder("switchboard.skills.latency").description("Time of a skill call, cached or not").tag("skill", name)
                .register(meters);
        this.hits = SkillMeters.cache(meters, name, "hit");
        this.misses = SkillMeters.cache(meters, name, "miss");
        this.outcomeCounter = outcome -> SkillMeters.calls(meters, name, outcome);
        Counter evictions = SkillMeters.evictions(meters, name);
        SkillManifest.CachePolicy policy = manifest.cache();
        this.cache = !policy.enabled() ? null : Caffeine.newBuilder()
                .maximumSize(policy.maxEntries())
                .expireAfterWrite(policy.ttl())
                .executor(executor)
                .removalListener((JsonNode key, RunOutcome value, RemovalCause cause) -> {
                    if (cause.wasEvicted()) {
                        evictions.increment();
                    }
                })
                .buildAsync();
        this.lastGood = manifest.fallback() instanceof SkillManifest.Fallback.Stale
                ? Caffeine.newBuilder().maximumSize(policy.maxEntries()).build() : null;
    }

    String name() {
        return manifest.name();
    }

    /** Counts one call with its outcome ({@code ok}, {@code cached}, {@code fallback} or an error kind). */
    void count(String outcome) {
        outcomes.computeIfAbsent(outcome, outcomeCounter).increment();
    }

    @Override
    public void close() {
        if (cache != null) {
            cache.synchronous().invalidateAll();
        }
        runner.close();
    }
}
