package dev.switchboard.runtime.plugins;

import dev.switchboard.runtime.plugins.PluginDecision.Facts;
import dev.switchboard.runtime.plugins.PluginDecision.Installed;
import dev.switchboard.runtime.plugins.PluginDecision.Outcome;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static dev.switchboard.runtime.plugins.TestUnits.candidate;
import static dev.switchboard.runtime.plugins.TestUnits.unit;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The per-plugin decision of a reconcile pass, one row per situation: no jar, thread or host,
 * only the facts a pass gathers and the outcome it must reach.
 */
class PluginDecisionTest {

    // Units stand in for live versions: the decision only reads their id, version and dependencies.
    private static final PluginUnit B1 = unit("b", "1.0.0");
    private static final PluginUnit B1_REBUILT = unit("b", "1.0.0");
    private static final PluginUnit A1 = unit("a", "1.0.0", B1);
    private static final PluginUnit A1_ALONE = unit("a", "1.0.0");

    static Stream<Arguments> decisions() {
        return Stream.of(
                row("a new jar with nothing to wait for is built",
                        plugin().jarChanged(),
                        new Outcome.Build(List.of(), false)),
                row("a new jar is built against the live versions of what it needs",
                        plugin().needs("b@>=1.0.0").jarChanged().provider("b", B1),
                        new Outcome.Build(List.of(B1), false)),

                // Dependencies.
                row("a missing dependency fails it",
                        plugin().needs("b").jarChanged(),
                        new Outcome.Stop(PluginState.FAILED, "needs plugin 'b', which is not installed", null)),
                row("a missing optional dependency is left out",
                        plugin().needs("b?").jarChanged(),
                        new Outcome.Build(List.of(), false)),
                row("a dependency of a version the range refuses fails it",
                        plugin().needs("b@>=2.0.0").jarChanged().provider("b", B1),
                        new Outcome.Stop(PluginState.FAILED, "needs plugin 'b' >=2.0.0, but 1.0.0 is installed", null)),
                row("the version that counts is the live one, not a newer rejected jar's",
                        plugin().needs("b@>=2.0.0").jarChanged().provider("b", B1).installed("b", "2.0.0", PluginState.STARTED),
                        new Outcome.Stop(PluginState.FAILED, "needs plugin 'b' >=2.0.0, but 1.0.0 is installed", null)),
                row("a disabled dependency stops it, through no fault of its own",
                        plugin().needs("b").jarChanged().installed("b", "1.0.0", PluginState.DISABLED),
                        new Outcome.Stop(PluginState.STOPPED, "needs plugin 'b', which is disabled", null)),
                row("a stopped dependency stops it",
                        plugin().needs("b").jarChanged().installed("b", "1.0.0", PluginState.STOPPED),
                        new Outcome.Stop(PluginState.STOPPED, "needs plugin 'b', which is stopped", null)),
                row("a failed dependency fails it",
                        plugin().needs("b").jarChanged().installed("b", "1.0.0", PluginState.FAILED),
                        new Outcome.Stop(PluginState.FAILED, "needs plugin 'b', which is failed", null)),
                row("a failed optional dependency is left out",
                        plugin().needs("b?").jarChanged().installed("b", "1.0.0", PluginState.FAILED),
                        new Outcome.Build(List.of(), false)),
                row("a live version stops when a dependency it needs goes",
                        plugin().needs("b").live(A1).installed("b", "1.0.0", PluginState.DISABLED),
                        new Outcome.Stop(PluginState.STOPPED, "needs plugin 'b', which is disabled", null)),
                row("a new jar with a missing dependency leaves the live version serving",
                        plugin().version("2.0.0").needs("c").jarChanged().live(A1_ALONE),
                        new Outcome.KeepServing("2.0.0", "needs plugin 'c', which is not installed")),
                row("a new jar with a missing dependency cannot keep a version whose own dependency went",
                        plugin().version("2.0.0").needs("c").jarChanged().live(A1),
                        new Outcome.Stop(PluginState.FAILED, "needs plugin 'c', which is not installed", null)),

                // Cycles.
                row("a member of a cycle fails",
                        plugin().jarChanged().cycle("dependency cycle: a -> b -> a"),
                        new Outcome.Stop(PluginState.FAILED, "dependency cycle: a -> b -> a", null)),
                row("a new jar that closes a cycle leaves the live version serving",
                        plugin().version("2.0.0").jarChanged().live(A1).provider("b", B1).cycle("dependency cycle: a -> b -> a"),
                        new Outcome.KeepServing("2.0.0", "dependency cycle: a -> b -> a")),
                row("a live version whose jar did not change stops when another jar closes a cycle through it",
                        plugin().live(A1_ALONE).cycle("dependency cycle: a -> b -> a"),
                        new Outcome.Stop(PluginState.FAILED, "dependency cycle: a -> b -> a", null)),

                // Operator choices.
                row("a disabled plugin stops, live or not",
                        plugin().live(A1_ALONE).disabled(),
                        new Outcome.Stop(PluginState.DISABLED, null, null)),
                row("a disabled plugin stops even when it could not run anyway",
                        plugin().needs("b").jarChanged().disabled(),
                        new Outcome.Stop(PluginState.DISABLED, null, null)),
                row("a reload builds afresh, and the live version may stay if that fails",
                        plugin().live(A1_ALONE).reload(),
                        new Outcome.Build(List.of(), true)),

                // A live version.
                row("a live version nothing changed under stays",
                        plugin().needs("b").live(A1).provider("b", B1),
                        new Outcome.Keep()),
                row("a live version is rebuilt when a dependency was rebuilt, and cannot stay if that fails",
                        plugin().needs("b").live(A1).provider("b", B1_REBUILT),
                        new Outcome.Build(List.of(B1_REBUILT), false)),
                row("a new jar is built with the live version standing by",
                        plugin().version("2.0.0").needs("b").jarChanged().live(A1).provider("b", B1),
                        new Outcome.Build(List.of(B1), true)),
                row("a rejected jar leaves the live version serving",
                        plugin().live(A1_ALONE).jarChanged().rejectedJar("2.0.0", "the jar is not a zip file"),
                        new Outcome.KeepServing("2.0.0", "the jar is not a zip file")),
                row("a rejected jar fails the plugin when the live version's dependency changed",
                        plugin().needs("b").live(A1).provider("b", B1_REBUILT).jarChanged().rejectedJar("2.0.0", "the jar is not a zip file"),
                        new Outcome.Stop(PluginState.FAILED, "the jar is not a zip file", null)),

                // After a failed start.
                row("a failed start is not retried while nothing changed",
                        plugin().retryWhen(""),
                        new Outcome.Wait()),
                row("a failed start is retried with a new jar",
                        plugin().retryWhen("").jarChanged(),
                        new Outcome.Build(List.of(), false)),
                row("a failed start is retried on reload",
                        plugin().retryWhen("").reload(),
                        new Outcome.Build(List.of(), false)),
                row("a route collision is not retried while the other plugins' routes are the same",
                        plugin().retryWhen("[b=[/b]]").routeSignature("[b=[/b]]"),
                        new Outcome.Wait()),
                row("a route collision is retried once the other plugins' routes changed",
                        plugin().retryWhen("[b=[/b]]").routeSignature("[b=[/c]]"),
                        new Outcome.Build(List.of(), false)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("decisions")
    void decides(Plugin plugin, Outcome expected) {
        assertThat(PluginDecision.decide(plugin.facts())).isEqualTo(expected);
    }

    static Stream<Arguments> failedBuilds() {
        return Stream.of(
                row("a failed build of a new jar leaves the live version serving",
                        new Outcome.Build(List.of(), true),
                        new Outcome.KeepServing("2.0.0", "start() threw")),
                row("a failed first build fails the plugin and remembers what a retry waits for",
                        new Outcome.Build(List.of(), false),
                        new Outcome.Stop(PluginState.FAILED, "start() threw", "[b=[/b]]")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("failedBuilds")
    void aFailedBuild(Outcome.Build build, Outcome expected) {
        assertThat(build.failed("2.0.0", "start() threw", "[b=[/b]]")).isEqualTo(expected);
    }

    private static Arguments row(String name, Object given, Outcome expected) {
        return Arguments.of(Named.of(name, given), expected);
    }

    private static Plugin plugin() {
        return new Plugin();
    }

    /** The facts about plugin {@code a}, given step by step. */
    static final class Plugin {
        private String version = "1.0.0";
        private final List<String> needs = new ArrayList<>();
        private PluginUnit live;
        private boolean jarChanged;
        private boolean reload;
        private boolean disabled;
        private String cycle;
        private Inspection.Rejected rejectedJar;
        private String retryWhen;
        private String routeSignature = "[]";
        private final Map<String, Installed> installed = new HashMap<>();
        private final Map<String, PluginUnit> next = new HashMap<>();

        Plugin version(String version) {
            this.version = version;
            return this;
        }

        /** A dependency as PF4J writes it: {@code id}, {@code id@range}, {@code id?} for optional. */
        Plugin needs(String dependency) {
            needs.add(dependency);
            return this;
        }

        Plugin live(PluginUnit unit) {
            this.live = unit;
            return this;
        }

        Plugin jarChanged() {
            this.jarChanged = true;
            return this;
        }

        Plugin reload() {
            this.reload = true;
            return this;
        }

        Plugin disabled() {
            this.disabled = true;
            return this;
        }

        Plugin cycle(String cycle) {
            this.cycle = cycle;
            return this;
        }

        Plugin rejectedJar(String version, String reason) {
            this.rejectedJar = new Inspection.Rejected("a", version, reason);
            return this;
        }

        Plugin retryWhen(String signature) {
            this.retryWhen = signature;
            return this;
        }

        Plugin routeSignature(String signature) {
            this.routeSignature = signature;
            return this;
        }

        /** Another plugin, decided live earlier in the pass. */
        Plugin provider(String id, PluginUnit unit) {
            next.put(id, unit);
            installed.putIfAbsent(id, new Installed(unit.version(), PluginState.STARTED));
            return this;
        }

        /** Another plugin, as decided so far in the pass. */
        Plugin installed(String id, String version, PluginState state) {
            installed.put(id, new Installed(version, state));
            return this;
        }

        Facts facts() {
            PluginCandidate candidate = rejectedJar != null ? live.candidate() : candidate("a", version, needs);
            return new Facts(candidate, live, jarChanged, reload, disabled, cycle, rejectedJar, retryWhen, routeSignature,
                    installed::get, next);
        }
    }
}
