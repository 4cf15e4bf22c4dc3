package dev.switchboard.runtime.plugins;

import org.pf4j.PluginDependency;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Plugin versions for unit tests that only read what a unit declares (id, version, root
 * templates, dependencies): no jar, class loader or JAX-RS application behind them.
 */
final class TestUnits {

    private TestUnits() {
    }

    /** What a jar of plugin {@code id} declares; {@code needs} as PF4J writes them ({@code b}, {@code b@>=1.0.0}, {@code b?}). */
    static PluginCandidate candidate(String id, String version, List<String> needs) {
        return new PluginCandidate(Path.of(id + ".jar"), null, id, version, "*", "", null,
                needs.stream().map(PluginDependency::new).toList(), List.of(), null);
    }

    /** A version started against {@code dependencies}. */
    static PluginUnit unit(String id, String version, PluginUnit... dependencies) {
        return unit(candidate(id, version, Arrays.stream(dependencies).map(PluginUnit::id).toList()), List.of(), List.of(dependencies));
    }

    /** A version whose JAX-RS resources have these root templates. */
    static PluginUnit routed(String id, String... templates) {
        return unit(candidate(id, "1.0.0", List.of()), List.of(templates), List.of());
    }

    private static PluginUnit unit(PluginCandidate candidate, List<String> templates, List<PluginUnit> dependencies) {
        return new PluginUnit(candidate, null, null, List.of(), null, null, Contributions.NONE, null, List.of(), templates, dependencies);
    }
}
