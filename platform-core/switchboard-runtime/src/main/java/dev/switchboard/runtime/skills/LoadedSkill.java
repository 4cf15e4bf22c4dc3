package dev.switchboard.runtime.skills;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;
import io.micrometer.core.instrument.Timer;
import tools.jackson.databind.JsonNode;

import java.util.concurrent.Executor;

/**
 * One version of a skill, ready to invoke: its manifest, its compiled schemas, its prepared code,
 * and its own output cache. A new version (an edited folder, a new content hash) is a new
 * {@code LoadedSkill} with an empty cache, so an edit drops the old outputs with the old version.
 */
final class LoadedSkill implements AutoCloseable {

    final SkillManifest manifest;
    final SchemaCheck input;
    final SchemaCheck output;
    final SkillRuntime.Runner runner;
    /** {@code switchboard.skills.latency} of this skill, resolved once rather than on every call. */
    final Timer latency;
    /** Size-bounded (W-TinyLFU, LRU-like) with the skill's TTL; concurrent identical calls share one future. Null when caching is off. */
    final AsyncCache<String, RunOutcome> cache;
    /** The last good output per input, kept for {@code fallback: stale}; null otherwise. */
    final Cache<String, JsonNode> lastGood;

    LoadedSkill(SkillManifest manifest, SchemaCheck input, SkillRuntime.Runner runner, Executor executor, Timer latency, Runnable onEviction) {
        this.manifest = manifest;
        this.input = input;
        this.output = SchemaCheck.of(manifest.outputSchema());
        this.runner = runner;
        this.latency = latency;
        SkillManifest.CachePolicy policy = manifest.cache();
        this.cache = !policy.enabled() ? null : Caffeine.newBuilder()
                .maximumSize(policy.maxEntries())
                .expireAfterWrite(policy.ttl())
                .executor(executor)
                .removalListener((String key, RunOutcome value, RemovalCause cause) -> {
                    if (cause.wasEvicted()) {
                        onEviction.run();
                    }
                })
                .buildAsync();
        this.lastGood = manifest.fallback() instanceof SkillManifest.Fallback.Stale
                ? Caffeine.newBuilder().maximumSize(policy.maxEntries()).build() : null;
    }

    String name() {
        return manifest.name();
    }

    @Override
    public void close() {
        if (cache != null) {
            cache.synchronous().invalidateAll();
        }
        runner.close();
    }
}
