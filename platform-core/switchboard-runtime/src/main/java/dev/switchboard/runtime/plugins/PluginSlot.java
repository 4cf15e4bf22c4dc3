package dev.switchboard.runtime.plugins;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * One jar in the plugin directory and what became of it: the jar's inspection, the live version
 * built from it, and what an operator sees. Every change of its state goes through one of the
 * transition methods below; those that let go of a live version return it, for the caller to
 * retire. Used by the plugin manager's operations thread only.
 */
final class PluginSlot {

    private final String file;
    private FileStamp stamp;
    private Inspection inspection;
    private PluginUnit unit;
    private PluginState state = PluginState.STOPPED;
    private String reason;
    private Instant since = Instant.now();
    private PluginView.Rejection rejected;
    /** The jar was inspected afresh in the current pass. */
    private boolean jarChanged;
    /** Another jar provides the same id and won. */
    private boolean duplicate;
    /** See {@link PluginDecision.Facts#retryWhen()}. */
    private String retryWhen;

    PluginSlot(String file) {
        this.file = file;
    }

    String file() {
        return file;
    }

    FileStamp stamp() {
        return stamp;
    }

    Inspection inspection() {
        return inspection;
    }

    PluginUnit unit() {
        return unit;
    }

    PluginState state() {
        return state;
    }

    boolean jarChanged() {
        return jarChanged;
    }

    boolean duplicate() {
        return duplicate;
    }

    String retryWhen() {
        return retryWhen;
    }

    /**
     * Why its jar is not live after the last pass: the reason the jar was rejected while an older
     * version serves on, or why the plugin failed; null when the jar is live (or merely stopped).
     */
    String failure() {
        if (rejected != null) {
            return rejected.reason();
        }
        return state == PluginState.FAILED ? reason : null;
    }

    /** The id it provides: the live version's, else the manifest's, else the file name's. */
    String id() {
        if (unit != null) {
            return unit.id();
        }
        if (inspection instanceof Inspection.Accepted accepted) {
            return accepted.candidate().id();
        }
        if (inspection instanceof Inspection.Rejected rejectedJar && rejectedJar.id() != null) {
            return rejectedJar.id();
        }
        String base = file.substring(0, file.length() - ".jar".length());
        return base.isEmpty() ? file : base;
    }

    String version() {
        if (unit != null) {
            return unit.version();
        }
        if (inspection instanceof Inspection.Accepted accepted) {
            return accepted.candidate().version();
        }
        return inspection instanceof Inspection.Rejected rejectedJar ? rejectedJar.version() : null;
    }

    /** It may provide its id in this pass: its jar is accepted, or a version of it is live. */
    boolean usable() {
        return inspection instanceof Inspection.Accepted || unit != null;
    }

    /**
     * The candidate that describes this plugin: the jar's, or the live version's when the jar was
     * rejected. Only usable slots have one.
     */
    PluginCandidate candidate() {
        if (inspection instanceof Inspection.Accepted accepted) {
            return accepted.candidate();
        }
        if (unit != null) {
            return unit.candidate();
        }
        throw new IllegalStateException("plugin file " + file + " has neither an accepted jar nor a live version");
    }

    /** The facts the decision needs that this slot holds; the pass adds the rest. */
    PluginDecision.Facts facts(boolean reload, boolean disabled, String cycle, String routeSignature,
                               Function<String, PluginDecision.Installed> installed, Map<String, PluginUnit> next) {
        return new PluginDecision.Facts(candidate(), unit, jarChanged, reload, disabled, cycle,
                inspection instanceof Inspection.Rejected rejectedJar ? rejectedJar : null, retryWhen, routeSignature,
                installed, next);
    }

    // ---------------------------------------------------------------------------------------
    // Transitions.

    /**
     * The jar was inspected afresh. Returns the live version when the file now holds another
     * plugin (the one it held is gone).
     */
    PluginUnit inspected(Inspection inspection, FileStamp stamp) {
        this.inspection = inspection;
        this.stamp = stamp;
        this.jarChanged = true;
        if (unit != null && inspection instanceof Inspection.Accepted accepted && !accepted.candidate().id().equals(unit.id())) {
            rejected = null;
            return release();
        }
        return null;
    }

    /** The start of a pass: whether it is a duplicate is decided again. */
    void contending() {
        duplicate = false;
    }

    /** The jar is rejected and no version of it is live. */
    void unusable() {
        set(PluginState.FAILED, ((Inspection.Rejected) inspection).reason());
    }

    /** Another jar provides the same id; returns the live version this one had, if any. */
    PluginUnit duplicateOf(PluginSlot winner) {
        duplicate = true;
        rejected = null;
        set(PluginState.FAILED, "duplicate plugin id '" + winner.id() + "': " + winner.file
                + " already provides it; remove one of the two files");
        return release();
    }

    /**
     * Records an outcome other than {@link PluginDecision.Outcome.Build}; returns the live version
     * it let go of, if any.
     */
    PluginUnit apply(PluginDecision.Outcome outcome) {
        switch (outcome) {
            case PluginDecision.Outcome.Keep keep -> set(PluginState.STARTED, null);
            case PluginDecision.Outcome.KeepServing keep -> {
                rejected = new PluginView.Rejection(keep.version(), keep.reason(), Instant.now());
                set(PluginState.STARTED, null);
            }
            case PluginDecision.Outcome.Stop stop -> {
                rejected = null;
                retryWhen = stop.retryWhen();
                set(stop.state(), stop.reason());
                return release();
            }
            case PluginDecision.Outcome.Wait wait -> {
            }
            case PluginDecision.Outcome.Build build -> throw new IllegalArgumentException("a build is carried out, not applied");
        }
        return null;
    }

    /** A new version went live; returns the one it replaces, if any. */
    PluginUnit started(PluginUnit started) {
        PluginUnit previous = unit;
        unit = started;
        rejected = null;
        retryWhen = null;
        set(PluginState.STARTED, null);
        return previous;
    }

    /**
     * Deciding about it failed on a defect; returns the live version, if any, unless it is still
     * the one going live.
     */
    PluginUnit failedInternally(String why, PluginUnit goingLive) {
        rejected = null;
        set(PluginState.FAILED, "internal error while applying the plugin: " + why);
        return unit != null && unit != goingLive ? release() : null;
    }

    /**
     * A rejected upload was taken back and the jar it replaced restored: the live version it
     * describes serves on as though the upload never happened.
     */
    void restored(FileStamp restoredStamp) {
        if (unit != null) {
            stamp = restoredStamp;
            inspection = new Inspection.Accepted(unit.candidate());
            rejected = null;
            set(PluginState.STARTED, null);
        }
    }

    /** The end of a pass. */
    void settled() {
        jarChanged = false;
    }

    /** The host stops: returns the live version, if any. */
    PluginUnit shutDown() {
        if (unit == null) {
            return null;
        }
        set(PluginState.STOPPED, "the host is shutting down");
        return release();
    }

    private PluginUnit release() {
        PluginUnit released = unit;
        unit = null;
        return released;
    }

    private void set(PluginState state, String reason) {
        if (this.state != state || !Objects.equals(this.reason, reason)) {
            this.since = Instant.now();
        }
        this.state = state;
        this.reason = reason;
    }

    PluginView view() {
        PluginUnit live = unit;
        List<RouteInfo> routes = live == null ? List.of() : live.routes();
        List<PluginView.FilterInfo> filters = live == null ? List.of()
                : live.filters().stream().map(f -> new PluginView.FilterInfo(f.name(), f.priority())).toList();
        List<String> healthChecks = live == null ? List.of() : List.copyOf(new TreeSet<>(live.healthChecks().keySet()));
        List<String> dependencies = usable()
                ? candidate().dependencies().stream().map(d -> d.getPluginId() + (d.isOptional() ? "?" : "")
                + ("*".equals(d.getPluginVersionSupport()) ? "" : "@" + d.getPluginVersionSupport())).toList()
                : List.of();
        return new PluginView(id(), version(), state, reason, file, since, live == null ? null : live.generation(),
                routes, filters, healthChecks, dependencies, rejected);
    }
}
