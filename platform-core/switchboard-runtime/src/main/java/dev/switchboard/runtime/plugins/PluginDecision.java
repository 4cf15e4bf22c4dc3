package dev.switchboard.runtime.plugins;

import org.pf4j.PluginDependency;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * What becomes of one plugin in a reconcile pass: a pure function of what the pass knows about
 * it, with no jar, thread or host involved. The manager gathers the {@link Facts}, asks
 * {@link #decide}, carries out the {@link Outcome} (building a unit for {@link Outcome.Build})
 * and lets the plugin's {@link PluginSlot} record the result.
 *
 * <p>The rules, in order:
 * <ol>
 *   <li>A member of a dependency cycle cannot run; a live version whose own dependencies are
 *       still live keeps serving when only the jar is new (the jar is reported as rejected).</li>
 *   <li>A disabled plugin stops.</li>
 *   <li>A required dependency that is missing, of a version the range refuses, or not live blocks
 *       the plugin (STOPPED when the dependency is switched off, FAILED otherwise), with the same
 *       grace for a live version as a cycle gets. An optional one is simply left out.</li>
 *   <li>A live version nothing changed under (jar, reload, dependency versions) stays.</li>
 *   <li>A rejected jar cannot be built: the live version keeps serving if its dependencies did not
 *       change, else the plugin fails.</li>
 *   <li>A jar that failed to start is not tried again until its jar changes, it is reloaded, or
 *       the other plugins' routes that made it fail changed.</li>
 *   <li>Otherwise the jar is built; {@link Outcome.Build#failed} says what a failure leads to.</li>
 * </ol>
 */
final class PluginDecision {

    private PluginDecision() {
    }

    /** A plugin that provides an id needed by another: the version it has and the state decided for it so far. */
    record Installed(String version, PluginState state) {
    }

    /**
     * What a pass knows about one plugin.
     *
     * @param candidate      what the jar declares (the live version's declaration when the jar was rejected)
     * @param live           the live version, or null
     * @param jarChanged     the jar was inspected afresh in this pass
     * @param reload         an operator asked for a fresh build
     * @param disabled       an operator switched it off
     * @param cycle          the dependency cycle it is part of, as text, or null
     * @param rejectedJar    the jar on disk was rejected (so there is a live version), or null
     * @param retryWhen      set after a failed start: the route signature a retry waits for
     *                       ({@code ""} = only a new jar or a reload), else null
     * @param routeSignature the route signature of the plugins that will be live beside it
     * @param installed      the plugin providing each id, by id (null when none does)
     * @param next           the units decided live so far in this pass, by id
     */
    record Facts(PluginCandidate candidate, PluginUnit live, boolean jarChanged, boolean reload, boolean disabled,
                 String cycle, Inspection.Rejected rejectedJar, String retryWhen, String routeSignature,
                 Function<String, Installed> installed, Map<String, PluginUnit> next) {
    }

    /** What to do with the plugin. */
    sealed interface Outcome {

        /** The live version stays as it is. */
        record Keep() implements Outcome {
        }

        /** The live version keeps serving; the jar (of {@code version}) is reported as rejected for {@code reason}. */
        record KeepServing(String version, String reason) implements Outcome {
        }

        /**
         * The plugin is not live: it is in {@code state} for {@code reason}, and its live version,
         * if any, retires.
         *
         * @param retryWhen see {@link Facts#retryWhen()}
         */
        record Stop(PluginState state, String reason, String retryWhen) implements Outcome {
        }

        /** It failed to start and nothing that could change that changed: it stays as it is. */
        record Wait() implements Outcome {
        }

        /**
         * Build a new unit from the jar against these dependency versions.
         *
         * @param liveMayStay a live version exists and nothing it depends on changed, so it may
         *                    keep serving if the build fails
         */
        record Build(List<PluginUnit> dependencies, boolean liveMayStay) implements Outcome {

            /**
             * What a failure to build leads to.
             *
             * @param retryWhen what a retry depends on, see {@link Facts#retryWhen()}
             */
            Outcome failed(String version, String reason, String retryWhen) {
                return liveMayStay ? new KeepServing(version, reason) : new Stop(PluginState.FAILED, reason, retryWhen);
            }
        }
    }

    static Outcome decide(Facts facts) {
        String version = facts.candidate().version();
        if (facts.cycle() != null) {
            return block(facts, PluginState.FAILED, facts.cycle());
        }
        if (facts.disabled()) {
            return new Outcome.Stop(PluginState.DISABLED, null, null);
        }
        List<PluginUnit> dependencies = new ArrayList<>();
        for (PluginDependency dependency : facts.candidate().dependencies()) {
            String id = dependency.getPluginId();
            String range = dependency.getPluginVersionSupport();
            String wanted = "plugin '" + id + "'" + ("*".equals(range) ? "" : " " + range);
            Installed provider = facts.installed().apply(id);
            PluginUnit unit = facts.next().get(id);
            // The version that counts is the one that will run: the live unit's (a newer jar may
            // have been rejected), else the jar's.
            String installed = unit != null ? unit.version() : provider == null ? null : provider.version();
            Outcome.Stop blocked = null;
            if (installed == null) {
                blocked = new Outcome.Stop(PluginState.FAILED, "needs " + wanted + ", which is not installed", null);
            } else if (!PluginJarInspector.satisfies(installed, range)) {
                blocked = new Outcome.Stop(PluginState.FAILED, "needs " + wanted + ", but " + installed + " is installed", null);
            } else if (unit == null) {
                boolean off = provider.state() == PluginState.DISABLED || provider.state() == PluginState.STOPPED;
                blocked = new Outcome.Stop(off ? PluginState.STOPPED : PluginState.FAILED,
                        "needs " + wanted + ", which is " + provider.state().name().toLowerCase(), null);
            }
            if (blocked == null) {
                dependencies.add(unit);
            } else if (!dependency.isOptional()) {
                return block(facts, blocked.state(), blocked.reason());
            }
        }

        PluginUnit live = facts.live();
        boolean dependenciesChanged = live != null && !sameUnits(live.dependencies(), dependencies);
        if (live != null && !facts.jarChanged() && !facts.reload() && !dependenciesChanged) {
            return new Outcome.Keep();
        }
        Outcome.Build build = new Outcome.Build(List.copyOf(dependencies), live != null && !dependenciesChanged);
        if (facts.rejectedJar() != null) {
            return build.failed(facts.rejectedJar().version(), facts.rejectedJar().reason(), null);
        }
        String retryWhen = facts.retryWhen();
        if (live == null && retryWhen != null && !facts.jarChanged() && !facts.reload()
                && (retryWhen.isEmpty() || retryWhen.equals(facts.routeSignature()))) {
            // Trying again would only run its start() again (maybe hanging for start_timeout).
            return new Outcome.Wait();
        }
        return build;
    }

    /**
     * A plugin that cannot run for a reason outside its jar. When only the jar is new and the
     * live version's own dependencies are still live, that version keeps serving.
     */
    private static Outcome block(Facts facts, PluginState state, String reason) {
        PluginUnit live = facts.live();
        if (facts.jarChanged() && live != null
                && live.dependencies().stream().allMatch(dependency -> facts.next().get(dependency.id()) == dependency)) {
            return new Outcome.KeepServing(facts.candidate().version(), reason);
        }
        return new Outcome.Stop(state, reason, null);
    }

    /** Whether two lists hold the same units (by identity), in any order. */
    static boolean sameUnits(List<PluginUnit> a, List<PluginUnit> b) {
        if (a.size() != b.size()) {
            return false;
        }
        Set<PluginUnit> set = Collections.newSetFromMap(new IdentityHashMap<>());
        set.addAll(a);
        return set.containsAll(b);
    }
}
