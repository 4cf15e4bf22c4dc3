package dev.switchboard.runtime.skills;

import dev.switchboard.api.Principal;
import dev.switchboard.api.SkillException;
import dev.switchboard.api.SkillResult;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.Deque;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Streaming jobs: skill calls that run in the background ({@code POST /api/jobs} answers at once)
 * and stream their progress. A job belongs to the principal that created it. Finished jobs are
 * kept 10 minutes (failed ones an hour) so their stream can be read late; a running job that
 * produced no event for 2 minutes is stopped; a principal creates at most 10 jobs a minute.
 */
public final class JobManager implements AutoCloseable {

    static final Duration KEEP_COMPLETED = Duration.ofMinutes(10);
    static final Duration KEEP_FAILED = Duration.ofHours(1);
    static final Duration IDLE = Duration.ofMinutes(2);
    static final int PER_MINUTE = 10;

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final SkillRegistry registry;
    private final Map<String, Job> jobs = new ConcurrentHashMap<>();
    private final Map<String, Deque<Long>> recent = new ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("switchboard-jobs").factory());

    public JobManager(SkillRegistry registry, MeterRegistry meters) {
        this.registry = registry;
        for (Job.State state : Job.State.values()) {
            Gauge.builder("switchboard.jobs", this, manager -> manager.count(state)).description("Jobs kept, by state")
                    .tag("state", state.name()).register(meters);
        }
        timer.scheduleWithFixedDelay(this::sweep, 1, 1, TimeUnit.SECONDS);
    }

    /** The jobs kept now in {@code state}. */
    private long count(Job.State state) {
        return jobs.values().stream().filter(job -> job.state() == state).count();
    }

    /** Refused: too many jobs created lately; retry after {@code retryAfterSeconds}. */
    static final class RateLimited extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final long retryAfterSeconds;

        RateLimited(long retryAfterSeconds) {
            super("At most " + PER_MINUTE + " jobs a minute per caller; retry in " + retryAfterSeconds + " s.");
            this.retryAfterSeconds = retryAfterSeconds;
        }
    }

    /**
     * Checks the request (skill, roles, input) at once, then starts the job.
     *
     * @throws SkillException for a request the skill would refuse
     * @throws RateLimited    past the creation rate
     */
    Job create(String skill, JsonNode input, Principal owner) {
        registry.admit(skill, input, owner);
        admitRate(owner.id());
        byte[] bytes = new byte[16];
        random.nextBytes(bytes);
        Job job = new Job(Base64.getUrlEncoder().withoutPadding().encodeToString(bytes), owner.id(), skill, timer);
        jobs.put(job.id, job);
        Thread.ofVirtual().name("switchboard-job-" + job.id).start(() -> run(job, input, owner));
        return job;
    }

    private void admitRate(String principal) {
        long now = System.nanoTime();
        Deque<Long> times = recent.computeIfAbsent(principal, k -> new ArrayDeque<>());
        synchronized (times) {
            while (!times.isEmpty() && now - times.peekFirst() >= TimeUnit.MINUTES.toNanos(1)) {
                times.removeFirst();
            }
            if (times.size() >= PER_MINUTE) {
                long wait = TimeUnit.MINUTES.toNanos(1) - (now - times.peekFirst());
                throw new RateLimited(Math.max(1, TimeUnit.NANOSECONDS.toSeconds(wait) + 1));
            }
            times.addLast(now);
        }
    }

    private void run(Job job, JsonNode input, Principal owner) {
        job.runOn(Thread.currentThread());
        try {
            SkillResult result = registry.invoke(job.skill, input, owner, job);
            ObjectNode body = JSON.createObjectNode();
            body.set("output", result.output());
            body.putObject("metadata").put("cached", result.cached()).put("durationMs", result.durationMillis())
                    .put("version", result.version()).put("contentHash", result.contentHash()).put("fallback", result.fallback());
            job.end(Job.State.COMPLETED, "complete", body);
        } catch (SkillException e) {
            boolean cancelled = job.cancelled();
            ObjectNode body = JSON.createObjectNode().put("kind", cancelled ? "cancelled" : e.kind().name().toLowerCase())
                    .put("detail", cancelled ? "The job was cancelled." : e.getMessage());
            e.violations().forEach(body.putArray("violations")::add);
            job.end(cancelled ? Job.State.CANCELLED : Job.State.FAILED, "error", body);
        }
    }

    Optional<Job> get(String id) {
        return Optional.ofNullable(jobs.get(id));
    }

    /** Cancels a running job: it ends with an {@code error} event of kind {@code cancelled}. */
    void cancel(Job job) {
        job.cancel();
        job.end(Job.State.CANCELLED, "error", JSON.createObjectNode().put("kind", "cancelled").put("detail", "The job was cancelled."));
    }

    private void sweep() {
        Instant now = Instant.now();
        long nanos = System.nanoTime();
        for (Job job : jobs.values()) {
            Job.State state = job.state();
            if (state == Job.State.RUNNING) {
                if (nanos - job.lastActivityNanos() > IDLE.toNanos()) {
                    job.cancel();
                    job.end(Job.State.FAILED, "error", JSON.createObjectNode().put("kind", "timeout")
                            .put("detail", "The job streamed nothing for " + IDLE.toMinutes() + " minutes and was stopped."));
                }
            } else {
                Duration keep = state == Job.State.COMPLETED ? KEEP_COMPLETED : KEEP_FAILED;
                if (job.finished().plus(keep).isBefore(now)) {
                    jobs.remove(job.id);
                }
            }
        }
        recent.entrySet().removeIf(entry -> {
            synchronized (entry.getValue()) {
                return entry.getValue().isEmpty() || nanos - entry.getValue().peekLast() >= TimeUnit.MINUTES.toNanos(1);
            }
        });
    }

    @Override
    public void close() {
        timer.shutdownNow();
        for (Job job : jobs.values()) {
            if (job.state() == Job.State.RUNNING) {
                cancel(job);
            }
        }
    }
}
