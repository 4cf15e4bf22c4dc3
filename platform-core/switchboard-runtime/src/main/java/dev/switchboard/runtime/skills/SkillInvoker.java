package dev.switchboard.runtime.skills;

import dev.switchboard.api.Principal;
import dev.switchboard.api.SkillContext;
import dev.switchboard.api.SkillException;
import dev.switchboard.api.SkillException.Kind;
import dev.switchboard.api.SkillResult;
import io.micrometer.core.instrument.MeterRegistry;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;

import java.util.List;
import java.util.Locale;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The one path every skill call takes: check the caller's roles, validate the input, look in the
 * cache (concurrent identical calls share one run), run the skill on a thread of its own within its
 * timeout, validate the output, and apply the fallback when the skill fails. Errors are typed
 * ({@link SkillException.Kind}); the caller's mistakes are never cached and never hidden by a
 * fallback.
 */
public final class SkillInvoker {

    private final MeterRegistry meters;
    /**
     * Skill code runs on platform threads, reused: it may be CPU-bound for as long as its timeout
     * (a Python loop never yields), and on a virtual thread it would hold a carrier thread the whole
     * time; a few such runs would leave none for the virtual threads that serve requests.
     */
    private final Executor runs = Executors.newCachedThreadPool(hostThreads(Thread.ofPlatform().daemon().name("switchboard-skill-", 0).factory()));

    public SkillInvoker(MeterRegistry meters) {
        this.meters = meters;
    }

    /** Prepares a parsed skill with {@code runtime}; the result is ready to {@link #invoke}. */
    LoadedSkill load(SkillManifest manifest, SkillRuntime runtime) throws SkillFormatException {
        return load(SkillSlot.loading(manifest), runtime);
    }

    /** Prepares the skill of {@code slot} with {@code runtime}, reusing the input schema the slot compiled. */
    LoadedSkill load(SkillSlot slot, SkillRuntime runtime) throws SkillFormatException {
        return new LoadedSkill(slot.manifest, slot.input, runtime.prepare(slot.manifest), runs, meters);
    }

    /** Prepares a skill a plugin contributed. */
    LoadedSkill load(PluginSkill skill) {
        return new LoadedSkill(skill.manifest(), SchemaCheck.of(skill.manifest().inputSchema()),
                JavaSkillRuntime.runner(skill.skill(), skill.loader(), () -> { }), runs, meters);
    }

    /**
     * Calls {@code skill} with {@code input}.
     *
     * @param caller   who calls; null for the host or a plugin acting on its own behalf (no role check)
     * @param listener receives the skill's progress and log lines (for a call served by another
     *                 caller's run, the first caller's listener does)
     * @throws SkillException for every failure, typed
     */
    SkillResult invoke(LoadedSkill skill, JsonNode input, Principal caller, SkillContext listener) {
        long started = System.nanoTime();
        try {
            SkillResult result = call(skill, input, caller, listener, started);
            skill.count(result.fallback() ? "fallback" : result.cached() ? "cached" : "ok");
            return result;
        } catch (SkillException e) {
            skill.count(e.kind().name().toLowerCase(Locale.ROOT));
            throw e;
        } finally {
            skill.latency.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
        }
    }

    /**
     * The checks before a call, which need no runtime (a call to a skill still loading makes them
     * at once): the caller's roles, then the input against the input schema.
     */
    static void admit(SkillManifest skill, SchemaCheck inputSchema, JsonNode input, Principal caller) {
        admitCaller(skill, caller);
        List<String> violations = inputSchema.violations(input);
        if (!violations.isEmpty()) {
            throw new SkillException(Kind.INVALID_INPUT, "The input does not match the input schema of " + skill.name() + ".", violations, null);
        }
    }

    /** The caller holds one of the skill's roles, or the skill asks for none (null: the host itself). */
    private static void admitCaller(SkillManifest skill, Principal caller) {
        if (caller != null && !skill.roles().isEmpty() && skill.roles().stream().noneMatch(caller::hasRole)) {
            throw new SkillException(Kind.FORBIDDEN, "'" + caller.id() + "' may not call the skill " + skill.name()
                    + ": that takes one of the roles " + skill.roles() + ".");
        }
    }

    private SkillResult call(LoadedSkill skill, JsonNode input, Principal caller, SkillContext listener, long started) {
        CompletableFuture<RunOutcome> future;
        boolean ran;
        JsonNode key;
        if (skill.cache == null) {
            key = input;
            admit(skill.manifest, skill.input, input, caller);
            future = run(skill, input, listener);
            ran = true;
        } else {
            boolean[] started0 = {false};
            future = skill.cache.getIfPresent(input);
            if (future != null) {
                // A hit: this input passed the schema when its entry was made (only valid inputs get one).
                admitCaller(skill.manifest, caller);
                key = input;
            } else {
                admit(skill.manifest, skill.input, input, caller);
                // The key is a copy: a Java skill may change the input it is given.
                key = input.deepCopy();
                future = cached(skill, key, input, listener, started0);
            }
            if (!started0[0] && future.isDone() && future.join() instanceof RunOutcome.Failed) {
                // A failed run leaves the cache a moment after it fails: do not serve its failure again.
                skill.cache.asMap().remove(key, future);
                key = key == input ? input.deepCopy() : key;
                future = cached(skill, key, input, listener, started0);
            }
            ran = started0[0];
            if (ran) {
                CompletableFuture<RunOutcome> mine = future;
                JsonNode entry = key;
                mine.thenAccept(outcome -> {
                    if (outcome instanceof RunOutcome.Failed) {
                        skill.cache.asMap().remove(entry, mine);
                    }
                });
            } else if (future instanceof Running running) {
                running.addWaiter();
            }
            (ran ? skill.misses : skill.hits).increment();
        }
        RunOutcome outcome;
        try {
            outcome = future instanceof Running running ? running.await(skill) : future.get();
        } catch (InterruptedException e) {
            // The caller gave up (an MCP cancellation, a cancelled job): the run stops once no caller waits for it.
            if (future instanceof Running running) {
                running.leave(skill);
            }
            Thread.currentThread().interrupt();
            throw new SkillException(Kind.CANCELLED, "The call to " + skill.name() + " was cancelled.");
        } catch (ExecutionException e) {
            // Runs complete with an outcome, never exceptionally; this would be a bug of ours.
            throw new SkillException(Kind.FAILED, skill.name() + " failed: " + e.getCause(), List.of(), e.getCause());
        }
        return switch (outcome) {
            case RunOutcome.Output output -> {
                if (skill.lastGood != null && ran) {
                    skill.lastGood.put(key, output.value());
                }
                yield result(skill, output.value(), !ran, started, false);
            }
            case RunOutcome.Failed failed -> fallback(skill, key, failed.failure(), started);
        };
    }

    /** The cached run for {@code key}, starting one (and setting {@code started[0]}) when there is none. */
    private CompletableFuture<RunOutcome> cached(LoadedSkill skill, JsonNode key, JsonNode input, SkillContext listener, boolean[] started) {
        return skill.cache.get(key, (k, executor) -> {
            started[0] = true;
            return run(skill, input, listener);
        });
    }

    /**
     * Starts one run: on a thread of its own, stopped (interrupted) at the skill's timeout, or once
     * every caller waiting for it has given up. Its future completes with the outcome, never
     * exceptionally; a failure is reported here, once per run.
     */
    private Running run(LoadedSkill skill, JsonNode input, SkillContext listener) {
        Run run = new Run(listener);
        CompletableFuture<JsonNode> future = new CompletableFuture<>();
        Executor own = skill.runner.executor();
        (own != null ? own : runs).execute(() -> {
            run.thread = Thread.currentThread();
            if (run.cancelled) {
                future.completeExceptionally(timeout(skill));
                return;
            }
            try {
                JsonNode output = skill.runner.run(input, run);
                JsonNode value = output == null ? JsonNodeFactory.instance.nullNode() : output;
                List<String> violations = skill.output.violations(value);
                if (!violations.isEmpty()) {
                    future.completeExceptionally(new SkillException(Kind.OUTPUT_INVALID, skill.name()
                            + " returned an output its output schema does not allow.", violations, null));
                } else {
                    future.complete(value);
                }
            } catch (Throwable e) {
                future.completeExceptionally(run.cancelled ? timeout(skill) : failed(skill, e));
            }
        });
        long deadline = System.nanoTime() + skill.manifest.timeout().plus(skill.runner.coldStartAllowance()).toNanos();
        Running running = new Running(run, future, deadline);
        future.whenComplete((value, error) -> {
            if (error == null) {
                running.complete(new RunOutcome.Output(value));
                return;
            }
            Throwable cause = error instanceof CompletionException c ? c.getCause() : error;
            boolean stopped = cause instanceof TimeoutException || cause instanceof CancellationException
                    || cause instanceof SkillException e && e.kind() == Kind.TIMEOUT;
            SkillException failure = !stopped
                    ? cause instanceof SkillException skillFailure ? skillFailure
                    : new SkillException(Kind.FAILED, skill.name() + " failed: " + cause, List.of(), cause)
                    : run.abandoned ? new SkillException(Kind.CANCELLED, "The call to " + skill.name() + " was cancelled.") : timeout(skill);
            SkillFailures.report(skill.name(), failure);
            running.complete(new RunOutcome.Failed(failure));
        });
        return running;
    }

    /**
     * A run's outcome, with the number of callers waiting for it: the caller that started it, and
     * those that found it in the cache. When the last one gives up the run is stopped.
     *
     * <p>The timeout is kept by the waiters, not by a timer: each waits at most until the run's
     * deadline, and the first to reach it stops the run. Every run has a waiter until it ends (the
     * last one to leave stops it), and a timed wait costs nothing, where a timer task per run
     * (CompletableFuture.orTimeout) woke a scheduler thread on most calls: about 5 of the
     * invoker's 42 µs per uncached call, measured with a skill that returns at once (decision 0021).
     */
    private static final class Running extends CompletableFuture<RunOutcome> {
        private final Run run;
        /** The run's own result, completed by the thread that runs it, or with a TimeoutException at the deadline. */
        private final CompletableFuture<JsonNode> result;
        private final long deadline;
        private int waiters = 1;

        Running(Run run, CompletableFuture<JsonNode> result, long deadline) {
            this.run = run;
            this.result = result;
            this.deadline = deadline;
        }

        /** The outcome, waiting no later than the deadline; past it the run is stopped and the outcome is its timeout. */
        RunOutcome await(LoadedSkill skill) throws InterruptedException, ExecutionException {
            if (isDone()) {
                // A cache hit, most often: no clock, no exception.
                return get();
            }
            long left = deadline - System.nanoTime();
            if (left > 0) {
                try {
                    return get(left, TimeUnit.NANOSECONDS);
                } catch (TimeoutException e) {
                    // The deadline: stop the run below.
                }
            }
            if (result.completeExceptionally(new TimeoutException())) {
                run.stop(skill);
            }
            // The result is complete now, by the run or by the line above; this future follows it at once.
            return get();
        }

        synchronized void addWaiter() {
            waiters++;
        }

        void leave(LoadedSkill skill) {
            synchronized (this) {
                if (--waiters > 0 || isDone()) {
                    return;
                }
            }
            run.abandoned = true;
            run.stop(skill);
        }
    }

    private static SkillException timeout(LoadedSkill skill) {
        return new SkillException(Kind.TIMEOUT, skill.name() + " ran past its timeout of " + skill.manifest.timeout().toMillis()
                + " ms and was stopped.");
    }

    private static SkillException failed(LoadedSkill skill, Throwable error) {
        if (error instanceof SkillException skillException) {
            return skillException;
        }
        String message = error.getMessage() == null || error.getMessage().isBlank() ? error.getClass().getSimpleName() : error.getMessage();
        if (error instanceof IllegalArgumentException) {
            // The skill judged the input wrong in a way its schema could not say: the caller's mistake.
            return new SkillException(Kind.INVALID_INPUT, message, List.of(), error);
        }
        return new SkillException(Kind.FAILED, skill.name() + " failed: " + message, List.of(), error);
    }

    private SkillResult fallback(LoadedSkill skill, JsonNode key, SkillException failure, long started) {
        boolean skillsFault = failure.kind() == Kind.FAILED || failure.kind() == Kind.TIMEOUT || failure.kind() == Kind.OUTPUT_INVALID;
        if (skillsFault) {
            switch (skill.manifest.fallback()) {
                case SkillManifest.Fallback.Static fixed -> {
                    return result(skill, fixed.output(), false, started, true);
                }
                case SkillManifest.Fallback.Stale _ -> {
                    JsonNode last = skill.lastGood.getIfPresent(key);
                    if (last != null) {
                        return result(skill, last, true, started, true);
                    }
                }
                case SkillManifest.Fallback.None _ -> {
                    // The error goes to the caller.
                }
            }
        }
        throw failure;
    }

    private static SkillResult result(LoadedSkill skill, JsonNode output, boolean cached, long started, boolean fallback) {
        return new SkillResult(output, cached, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started), skill.manifest.version(),
                skill.manifest.contentHash(), fallback);
    }

    /** Counts a call refused before it reached a loaded skill (the registry's wait for a loading one). */
    void refused(String skill, SkillException failure) {
        SkillMeters.calls(meters, skill, failure.kind().name().toLowerCase(Locale.ROOT)).increment();
    }

    /** One run's context: the caller's listener, and the cancellation the timeout sets. */
    private static final class Run implements SkillContext {
        private final SkillContext listener;
        volatile Thread thread;
        volatile boolean cancelled;
        /** Stopped because every caller gave up, not by the timeout. */
        volatile boolean abandoned;

        Run(SkillContext listener) {
            this.listener = listener;
        }

        /** Marks the run cancelled and has the runtime stop its code (a Java skill's thread is interrupted; a Python skill's context). */
        void stop(LoadedSkill skill) {
            cancelled = true;
            Thread running = thread;
            if (running != null) {
                skill.runner.stop(running, this);
            }
        }

        @Override
        public void progress(double fraction, String message) {
            if (listener != null) {
                listener.progress(fraction, message);
            }
        }

        @Override
        public void log(String level, String message) {
            if (listener != null) {
                listener.log(level, message);
            }
        }

        @Override
        public void partial(JsonNode output) {
            if (listener != null) {
                listener.partial(output);
            }
        }

        @Override
        public boolean cancelled() {
            return cancelled || listener != null && listener.cancelled();
        }
    }

    /**
     * Threads whose context class loader is the host's, whoever asks for them: a thread inherits its
     * creator's, and a pool thread made during a plugin's call would keep that plugin version's
     * loader reachable for as long as the thread lives (the soak benchmark found one).
     */
    private static ThreadFactory hostThreads(ThreadFactory factory) {
        ClassLoader host = SkillInvoker.class.getClassLoader();
        return task -> {
            Thread thread = factory.newThread(task);
            thread.setContextClassLoader(host);
            return thread;
        };
    }
}
