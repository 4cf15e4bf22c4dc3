package dev.switchboard.runtime.web;

import dev.switchboard.api.Health;
import dev.switchboard.api.HealthCheck;
import dev.switchboard.runtime.plugins.Generation;
import dev.switchboard.runtime.plugins.PluginManager;
import dev.switchboard.runtime.plugins.PluginState;
import dev.switchboard.runtime.plugins.PluginView;
import dev.switchboard.runtime.skills.SkillView;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * {@code /health/live}: the process answers. {@code /health/ready}: the host can serve, with the
 * state of each component and each plugin (its own health checks run in parallel, each bounded
 * by {@code health.check_timeout}) and how many skills are loading, ready and failed.
 * {@code /health/skills}: 200 only once every skill is ready, for an operator who wants traffic
 * held until then (readiness itself does not wait for a Python warm-up).
 *
 * <p>Status: {@code UP}; {@code DEGRADED} when a plugin FAILED, a check reports DEGRADED/DOWN or
 * a skill failed to load (still 200: a failing plugin or skill fails alone); {@code DOWN} with
 * 503 while starting or stopping, or for plugin trouble when {@code health.fail_on_plugin_failure}
 * is set.
 */
@Path("/health")
@Produces(MediaType.APPLICATION_JSON)
public final class HealthResource {

    private final Supplier<HostState> state;
    private final PluginManager plugins;
    private final Supplier<List<SkillView>> skills;
    private final Duration checkTimeout;
    private final boolean failOnPluginFailure;

    public HealthResource(Supplier<HostState> state, PluginManager plugins, Supplier<List<SkillView>> skills, Duration checkTimeout,
                          boolean failOnPluginFailure) {
        this.state = state;
        this.plugins = plugins;
        this.skills = skills;
        this.checkTimeout = checkTimeout;
        this.failOnPluginFailure = failOnPluginFailure;
    }

    @GET
    @Path("/live")
    public Map<String, Object> live() {
        return Map.of("status", "UP");
    }

    @GET
    @Path("/ready")
    public Response ready() {
        HostState host = state.get();
        Map<String, Object> components = new LinkedHashMap<>();
        // Ordered maps throughout: Map.of iterates in an order that changes from run to run, and a reader compares answers.
        Map<String, Object> server = new LinkedHashMap<>();
        server.put("status", host == HostState.READY ? "UP" : "DOWN");
        server.put("state", host.name());
        components.put("server", server);

        Map<String, Map<String, Object>> pluginReports = new LinkedHashMap<>();
        // Hold the generation while its plugins' checks run, so none is retired under them.
        Generation generation = plugins.enterCurrent();
        Map<String, Map<String, Health>> results;
        try {
            results = runChecks(plugins.healthChecks(generation));
        } finally {
            generation.exit();
        }
        Health.Status pluginsStatus = Health.Status.UP;
        for (PluginView view : plugins.list()) {
            Map<String, Object> report = new LinkedHashMap<>();
            Health.Status status = view.state() == PluginState.FAILED ? Health.Status.DOWN : Health.Status.UP;
            report.put("state", view.state());
            if (view.version() != null) {
                report.put("version", view.version());
            }
            if (view.reason() != null) {
                report.put("reason", view.reason());
            }
            Map<String, Health> pluginChecks = view.state() == PluginState.STARTED ? results.get(view.id()) : null;
            if (pluginChecks != null) {
                Map<String, Object> checkReports = new LinkedHashMap<>();
                pluginChecks.forEach((name, health) -> {
                    checkReports.put(name, report(health));
                });
                for (Health health : pluginChecks.values()) {
                    status = worse(status, health.status());
                }
                report.put("checks", checkReports);
            }
            report.put("status", status.name());
            pluginReports.put(pluginReports.containsKey(view.id()) ? view.id() + " (" + view.file() + ")" : view.id(), report);
            Health.Status counted = status == Health.Status.DOWN && !failOnPluginFailure ? Health.Status.DEGRADED : status;
            pluginsStatus = worse(pluginsStatus, counted);
        }
        Map<String, Object> pluginsComponent = new LinkedHashMap<>();
        pluginsComponent.put("status", pluginsStatus.name());
        pluginsComponent.put("generation", generation.number());
        pluginsComponent.put("plugins", pluginReports);
        components.put("plugins", pluginsComponent);
        Map<String, Object> skillsComponent = skillCounts(skills.get());
        components.put("skills", skillsComponent);
        Health.Status skillsStatus = ((Number) skillsComponent.get("failed")).intValue() > 0 ? Health.Status.DEGRADED : Health.Status.UP;

        Health.Status overall = host == HostState.READY ? worse(pluginsStatus, skillsStatus) : Health.Status.DOWN;
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", overall.name());
        body.put("components", components);
        return Response.status(overall == Health.Status.DOWN ? 503 : 200).entity(body).type(MediaType.APPLICATION_JSON).build();
    }

    /**
     * Whether every skill is ready: 200 {@code UP} then, else 503 {@code DOWN} naming the skills
     * still loading and those that failed, with their reasons. A host with no skills is UP.
     */
    @GET
    @Path("/skills")
    public Response skills() {
        // One snapshot for the counts and the names, so that they agree.
        List<SkillView> views = skills.get();
        List<String> loading = new ArrayList<>();
        Map<String, String> failed = new LinkedHashMap<>();
        for (SkillView skill : views) {
            switch (skill.status()) {
                case LOADING -> loading.add(skill.name());
                case FAILED -> failed.put(skill.name(), skill.reason());
                case READY -> {
                }
            }
        }
        boolean allReady = state.get() == HostState.READY && loading.isEmpty() && failed.isEmpty();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", allReady ? "UP" : "DOWN");
        Map<String, Object> counts = skillCounts(views);
        counts.remove("status");
        body.putAll(counts);
        if (!loading.isEmpty()) {
            body.put("loadingSkills", loading);
        }
        if (!failed.isEmpty()) {
            body.put("failedSkills", failed);
        }
        return Response.status(allReady ? 200 : 503).entity(body).type(MediaType.APPLICATION_JSON).build();
    }

    /** {@code status} (DEGRADED when a skill failed), then how many skills are loading, ready and failed. */
    private static Map<String, Object> skillCounts(List<SkillView> views) {
        int[] counts = new int[SkillView.Status.values().length];
        for (SkillView skill : views) {
            counts[skill.status().ordinal()]++;
        }
        Map<String, Object> component = new LinkedHashMap<>();
        component.put("status", counts[SkillView.Status.FAILED.ordinal()] > 0 ? Health.Status.DEGRADED.name() : Health.Status.UP.name());
        for (SkillView.Status status : SkillView.Status.values()) {
            component.put(status.label(), counts[status.ordinal()]);
        }
        return component;
    }

    private Map<String, Map<String, Health>> runChecks(Map<String, Map<String, HealthCheck>> checks) {
        Map<String, Map<String, FutureTask<Health>>> tasks = new LinkedHashMap<>();
        checks.forEach((plugin, named) -> {
            Map<String, FutureTask<Health>> pluginTasks = new LinkedHashMap<>();
            named.forEach((name, check) -> {
                FutureTask<Health> task = new FutureTask<>(check::check);
                Thread.ofVirtual().name("health-" + plugin + "-" + name).start(task);
                pluginTasks.put(name, task);
            });
            tasks.put(plugin, pluginTasks);
        });
        // A check that hangs is reported DOWN and left behind; it never holds up the answer.
        long deadline = System.nanoTime() + checkTimeout.toNanos();
        Map<String, Map<String, Health>> results = new LinkedHashMap<>();
        tasks.forEach((plugin, named) -> {
            Map<String, Health> pluginResults = new LinkedHashMap<>();
            named.forEach((name, task) -> pluginResults.put(name, outcome(task, deadline)));
            results.put(plugin, pluginResults);
        });
        return results;
    }

    private Health outcome(FutureTask<Health> task, long deadline) {
        try {
            Health health = task.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            return health == null ? Health.down("the check returned nothing") : health;
        } catch (TimeoutException e) {
            task.cancel(true);
            return Health.down("no answer within " + checkTimeout.toMillis() + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Health.down("interrupted");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            return Health.down("the check failed: " + cause.getClass().getSimpleName()
                    + (cause.getMessage() == null ? "" : ": " + cause.getMessage()));
        }
    }

    private static Map<String, Object> report(Health health) {
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("status", health.status().name());
        if (!health.detail().isEmpty()) {
            result.put("detail", health.detail());
        }
        if (!health.details().isEmpty()) {
            result.put("details", health.details());
        }
        return result;
    }

    private static Health.Status worse(Health.Status a, Health.Status b) {
        return a.ordinal() >= b.ordinal() ? a : b;
    }
}
