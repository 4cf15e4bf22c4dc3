package dev.switchboard.runtime.skills;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/** The skills' counters, named and described in one place (a scrape shows the first description registered). */
final class SkillMeters {

    private SkillMeters() {
    }

    /** Calls of {@code skill} that ended with {@code outcome} ({@code ok}, {@code cached}, {@code fallback}, or a failure kind). */
    static Counter calls(MeterRegistry meters, String skill, String outcome) {
        return Counter.builder("switchboard.skills.calls").description("Skill calls by outcome")
                .tag("skill", skill).tag("outcome", outcome).register(meters);
    }

    /** Lookups in {@code skill}'s result cache that found ({@code hit}) or did not find ({@code miss}) a result. */
    static Counter cache(MeterRegistry meters, String skill, String result) {
        return Counter.builder("switchboard.skills.cache").description("Skill result cache lookups by result")
                .tag("skill", skill).tag("result", result).register(meters);
    }

    /** Results evicted from {@code skill}'s cache: past its size bound or its time to live. */
    static Counter evictions(MeterRegistry meters, String skill) {
        return Counter.builder("switchboard.skills.cache.evictions").description("Skill results evicted from the cache, past its size bound or time to live")
                .tag("skill", skill).register(meters);
    }
}
