package dev.switchboard.plugins.performance;

import dev.switchboard.api.EventRejectedException;
import dev.switchboard.api.Events;
import dev.switchboard.api.HostRoute;
import dev.switchboard.api.NewEvent;
import dev.switchboard.api.Priority;
import org.slf4j.Logger;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The budgets: what the request timer and the vitals ingest record is measured over a sliding
 * window against the limits of the budgets file, every {@code evaluate_every}, on a thread of its
 * own. Each evaluation leaves a report ({@code GET /api/performance/budgets}) and moves each
 * budget's alert as Prometheus moves an alerting rule's: a failing budget is {@code pending},
 * then {@code firing} once it has failed for {@code alert_after}, which publishes a
 * {@code budget-breach} event; it clears ({@code budget-recovered}) once it has not failed for
 * {@code alert_after}. A budget with fewer than {@code min_samples} values in the window has no
 * data: it neither passes nor fails, and counts as not failing.
 *
 * <p>The file is read again when it changes (its size or modification time), and, while it is
 * refused only for naming a route the host does not serve, when the host's routes change (a
 * plugin that serves it may still be starting). A refused file leaves the previous budgets, their
 * windows and their alerts as they were.
 */
final class BudgetEvaluator implements AutoCloseable {

    static final String BREACH = "budget-breach";
    static final String RECOVERED = "budget-recovered";

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final PerformanceConfig.Budgets settings;
    private final Path file;
    private final BudgetFile parser;
    private final Supplier<List<HostRoute>> routes;
    private final Events events;
    private final Logger log;
    private final LongSupplier nanos;
    private final Clock clock;
    private final long windowNanos;

    /** What requests are recorded into: route template → the windows of the budgets on it. Replaced whole on a reload. */
    private volatile Map<String, Tap[]> taps = Map.of();
    private final EnumMap<WebVitals.Metric, SlidingHistogram> vitals = new EnumMap<>(WebVitals.Metric.class);

    // The evaluator's own state, under this object's lock.
    private BudgetFile.Content budgets;
    private Map<String, SlidingHistogram> windows = new HashMap<>();
    private final Map<String, Alert> alerts = new HashMap<>();
    private Stamp stamp;
    private List<HostRoute> refusedWith;
    private Instant loadedAt;
    private String error;
    private Instant errorAt;
    private String rejectedTopic;
    private volatile String report;

    private ScheduledExecutorService scheduler;

    /** @param file the budgets file, or null for {@link BudgetFile#BUILT_IN} */
    BudgetEvaluator(PerformanceConfig.Budgets settings, Path file, BudgetFile parser, Supplier<List<HostRoute>> routes, Events events,
                    Logger log, LongSupplier nanos, Clock clock) {
        this.settings = settings;
        this.file = file == null ? null : file.toAbsolutePath().normalize();
        this.parser = parser;
        this.routes = routes;
        this.events = events;
        this.log = log;
        this.nanos = nanos;
        this.clock = clock;
        this.windowNanos = settings.window().toNanos();
        long now = nanos.getAsLong();
        for (WebVitals.Metric metric : WebVitals.Metric.values()) {
            vitals.put(metric, new SlidingHistogram(windowNanos, now));
        }
        this.report = render(List.of()).toString();
    }

    /** Evaluates every {@code evaluate_every} from now on, the first time within a second. */
    void start() {
        scheduler = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("performance-budgets").factory());
        long every = settings.evaluateEvery().toMillis();
        scheduler.scheduleWithFixedDelay(() -> {
            try {
                evaluate();
            } catch (RuntimeException e) {
                log.error("Evaluating the performance budgets failed; the next evaluation is in {}", settings.evaluateEvery(), e);
            }
        }, Math.min(1000, every), every, TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        if (scheduler != null) {
            scheduler.shutdownNow();
            try {
                scheduler.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** A request the timer timed: {@code route} is its template, as matched. Any thread. */
    void request(String route, String method, int status, long elapsedNanos) {
        Tap[] on = taps.get(route);
        if (on == null) {
            return;
        }
        long micros = elapsedNanos / 1000;
        boolean error = status >= 500;
        for (Tap tap : on) {
            if (tap.method() == null || tap.method().equals(method)) {
                tap.window().record(micros, error);
            }
        }
    }

    /** A vitals report's value: milliseconds for a time, the score for CLS. Any thread. */
    void vital(WebVitals.Metric metric, double value) {
        vitals.get(metric).record(Math.round(value * 1000), false);
    }

    /** The last evaluation, as {@code GET /api/performance/budgets} answers it. */
    String report() {
        return report;
    }

    /** Reads the file if it changed, measures every budget over the window, moves the alerts and renders the report. */
    synchronized void evaluate() {
        long now = nanos.getAsLong();
        reloadIfChanged(now);
        List<Entry> entries = new ArrayList<>();
        if (budgets != null) {
            for (BudgetFile.RouteBudget budget : budgets.routes()) {
                SlidingHistogram.Snapshot window = windows.get(budget.label()).advance(now);
                budget.percentiles().forEach((name, limit) -> entries.add(new Entry(budget.label() + " " + name, budget, null, name, "ms", limit,
                        window.percentile(BudgetFile.PERCENTILES.get(name)) / 1000.0, window.count())));
                if (budget.errorRate() != null) {
                    entries.add(new Entry(budget.label() + " error_rate", budget, null, "error_rate", "ratio", budget.errorRate(),
                            Math.min(1, window.errorRate()), window.count()));
                }
            }
        }
        for (Map.Entry<WebVitals.Metric, SlidingHistogram> vital : vitals.entrySet()) {
            // Every window is advanced, budgeted or not, so that none holds more than its window.
            SlidingHistogram.Snapshot window = vital.getValue().advance(now);
            WebVitals.Metric metric = vital.getKey();
            Double limit = budgets == null ? null : budgets.vitals().get(metric);
            if (limit != null) {
                entries.add(new Entry(metric.name() + " p75", null, metric, "p75", metric.time ? "ms" : "score", limit,
                        window.percentile(75) / 1000.0, window.count()));
            }
        }
        Set<String> names = new HashSet<>();
        for (Entry entry : entries) {
            names.add(entry.name());
            alerts.computeIfAbsent(entry.name(), name -> new Alert()).move(entry, now);
        }
        for (Iterator<Alert> it = alerts.values().iterator(); it.hasNext(); ) {
            Alert alert = it.next();
            if (!names.contains(alert.last.name())) {
                // Its budget left the file: a firing alert is cleared, so that whoever showed it is told.
                if (alert.state.equals("firing")) {
                    publish(RECOVERED, Priority.NORMAL, alert.last, alert.last.name() + " is no longer budgeted");
                }
                it.remove();
            }
        }
        report = render(entries).toString();
    }

    // ---------------------------------------------------------------------------------------
    // The file

    private void reloadIfChanged(long now) {
        if (file == null) {
            if (budgets == null) {
                apply(BudgetFile.BUILT_IN, now);
                log.info("Performance budgets: the built-in ones (web vitals' \"good\": LCP 2.5 s, INP 200 ms, CLS 0.1); "
                        + "name a file in performance.budgets.file for route budgets");
            }
            return;
        }
        List<HostRoute> served = routes.get();
        if (served.stream().noneMatch(route -> route.path().equals(BudgetsResource.PATH))) {
            // This plugin is not live yet, nor maybe the plugins starting with it whose routes the file names.
            return;
        }
        Stamp current = Stamp.of(file);
        boolean routesChanged = refusedWith != null && !refusedWith.equals(served);
        if (current.equals(stamp) && !routesChanged) {
            return;
        }
        stamp = current;
        refusedWith = null;
        byte[] content;
        try {
            content = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            refuse("no file at " + file);
            return;
        } catch (IOException e) {
            refuse("cannot read " + file + ": " + e);
            return;
        }
        BudgetFile.Content read;
        try {
            read = parser.parse(content, served);
        } catch (BudgetFile.RefusedException e) {
            if (e.unknownRoute) {
                refusedWith = served;
            }
            refuse(file + ": " + e.getMessage());
            return;
        }
        apply(read, now);
        log.info("Performance budgets {} loaded: {} route budgets, web vitals {}", file, read.routes().size(), read.vitals().keySet());
    }

    private void refuse(String why) {
        if (why.equals(error)) {
            return;
        }
        error = why;
        errorAt = clock.instant();
        log.error("Performance budgets refused, {}: {}", budgets == null ? "no budgets are in force" : "the previous ones stay in force", why);
    }

    /** Puts {@code read} in force; a budget on the same route and method as before keeps its window. */
    private void apply(BudgetFile.Content read, long now) {
        Map<String, SlidingHistogram> next = new HashMap<>();
        Map<String, List<Tap>> byRoute = new HashMap<>();
        for (BudgetFile.RouteBudget budget : read.routes()) {
            SlidingHistogram window = windows.get(budget.label());
            if (window == null) {
                window = new SlidingHistogram(windowNanos, now);
            }
            next.put(budget.label(), window);
            byRoute.computeIfAbsent(budget.route(), route -> new ArrayList<>()).add(new Tap(budget.method(), window));
        }
        Map<String, Tap[]> nextTaps = new HashMap<>();
        byRoute.forEach((route, list) -> nextTaps.put(route, list.toArray(Tap[]::new)));
        budgets = read;
        windows = next;
        taps = Map.copyOf(nextTaps);
        loadedAt = clock.instant();
        error = null;
        errorAt = null;
    }

    /** A route's window, for the requests of one method or all. */
    private record Tap(String method, SlidingHistogram window) {
    }

    /** What tells that the file changed. */
    private record Stamp(boolean exists, long size, long modified) {

        static Stamp of(Path file) {
            try {
                BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
                return new Stamp(true, attributes.size(), attributes.lastModifiedTime().toMillis());
            } catch (IOException e) {
                return new Stamp(false, 0, 0);
            }
        }
    }

    // ---------------------------------------------------------------------------------------
    // Evaluation and alerts

    /** One limit of one budget as measured: {@code route} or {@code metric} says which. */
    private record Entry(String name, BudgetFile.RouteBudget route, WebVitals.Metric metric, String measure, String unit, double limit,
                         double value, long samples) {
    }

    private String status(Entry entry) {
        if (entry.samples() < settings.minSamples()) {
            return "no_data";
        }
        return entry.value() <= entry.limit() ? "pass" : "fail";
    }

    /** A budget's alert: inactive, pending (failing, not for long enough yet) or firing (until it has not failed for alert_after). */
    private final class Alert {

        String state = "inactive";
        long since;
        long passingSince = -1;
        Instant firingSince;
        Entry last;

        void move(Entry entry, long now) {
            last = entry;
            long after = settings.alertAfter().toNanos();
            boolean failing = status(entry).equals("fail");
            if (failing) {
                passingSince = -1;
                if (state.equals("inactive")) {
                    state = "pending";
                    since = now;
                }
                if (state.equals("pending") && now - since >= after) {
                    state = "firing";
                    firingSince = clock.instant();
                    publish(BREACH, Priority.HIGH, entry, entry.name() + " is " + format(entry.value(), entry.unit()) + " over the last "
                            + window() + ", above its budget of " + format(entry.limit(), entry.unit()) + " (" + entry.samples() + (entry.samples() == 1 ? " sample)" : " samples)"));
                }
            } else if (state.equals("pending")) {
                state = "inactive";
            } else if (state.equals("firing")) {
                if (passingSince < 0) {
                    passingSince = now;
                }
                if (now - passingSince >= after) {
                    state = "inactive";
                    firingSince = null;
                    passingSince = -1;
                    publish(RECOVERED, Priority.NORMAL, entry, entry.name() + " is within its budget of " + format(entry.limit(), entry.unit())
                            + " again: " + (status(entry).equals("no_data") ? "too few samples to tell otherwise"
                            : format(entry.value(), entry.unit())) + " over the last " + window());
                }
            }
        }
    }

    private void publish(String type, Priority priority, Entry entry, String message) {
        ObjectNode data = describe(entry).put("message", message);
        try {
            events.publish(settings.topic(), new NewEvent(type, data, "", priority, Map.of()));
            log.warn("Performance budget {}: {}", type.equals(BREACH) ? "breached" : "recovered", message);
        } catch (EventRejectedException | IllegalStateException e) {
            if (!Objects.equals(rejectedTopic, settings.topic())) {
                rejectedTopic = settings.topic();
                log.warn("Performance budget alerts cannot be published to {} (performance.budgets.topic): {}", settings.topic(), e.getMessage());
            }
        }
    }

    private String window() {
        return text(settings.window());
    }

    private ObjectNode describe(Entry entry) {
        ObjectNode node = NODES.objectNode().put("name", entry.name());
        if (entry.route() != null) {
            node.put("kind", "route").put("route", entry.route().route());
            if (entry.route().method() != null) {
                node.put("method", entry.route().method());
            }
        } else {
            node.put("kind", "vital").put("metric", entry.metric().name());
        }
        return node.put("measure", entry.measure()).put("unit", entry.unit()).put("limit", entry.limit())
                .put("value", round(entry.value())).put("samples", entry.samples()).put("window", window());
    }

    private ObjectNode render(List<Entry> entries) {
        ObjectNode root = NODES.objectNode();
        ArrayNode list = NODES.arrayNode();
        int failing = 0;
        int passing = 0;
        int firing = 0;
        for (Entry entry : entries) {
            String status = status(entry);
            Alert alert = alerts.get(entry.name());
            String state = alert == null ? "inactive" : alert.state;
            failing += status.equals("fail") ? 1 : 0;
            passing += status.equals("pass") ? 1 : 0;
            firing += state.equals("firing") ? 1 : 0;
            ObjectNode node = describe(entry).put("status", status).put("alert", state);
            if (alert != null && alert.firingSince != null) {
                node.put("firingSince", alert.firingSince.toString());
            }
            list.add(node);
        }
        root.put("status", failing > 0 ? "fail" : passing > 0 ? "pass" : "no_data");
        root.put("evaluatedAt", clock.instant().toString());
        root.put("window", window()).put("minSamples", settings.minSamples()).put("alertAfter", text(settings.alertAfter()));
        root.put("failing", failing).put("firing", firing);
        ObjectNode source = root.putObject("file");
        source.put("path", file == null ? null : file.toString());
        source.put("loadedAt", loadedAt == null ? null : loadedAt.toString());
        source.put("error", error);
        source.put("errorAt", errorAt == null ? null : errorAt.toString());
        root.set("budgets", list);
        return root;
    }

    private static double round(double value) {
        return Math.round(value * 1000) / 1000.0;
    }

    static String format(double value, String unit) {
        return switch (unit) {
            case "ms" -> String.format(Locale.ROOT, "%.1f ms", value);
            case "ratio" -> String.format(Locale.ROOT, "%.2f %%", value * 100);
            default -> String.format(Locale.ROOT, "%.3f", value);
        };
    }

    /** {@code 5m}, {@code 90s}, {@code 1500ms}: a duration as the configuration writes it. */
    static String text(Duration duration) {
        long millis = duration.toMillis();
        if (millis % 60_000 == 0 && millis > 0) {
            return millis / 60_000 + "m";
        }
        return millis % 1000 == 0 ? millis / 1000 + "s" : millis + "ms";
    }
}
