package dev.switchboard.runtime.skills;

import dev.switchboard.api.SkillContext;
import dev.switchboard.api.SkillException;
import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.Engine;
import org.graalvm.polyglot.PolyglotException;
import org.graalvm.polyglot.Source;
import org.graalvm.polyglot.Value;
import org.graalvm.polyglot.proxy.ProxyExecutable;
import org.graalvm.polyglot.proxy.ProxyObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeoutException;

/**
 * Python skills in-process, on GraalPy: one shared engine, and per skill a few contexts, each
 * created, warmed and then entered by one thread of its own, which runs the skill's calls one at a
 * time. Contexts are sandboxed as GraalPy's defaults are: no files, sockets, subprocesses,
 * threads, native code, environment or host classes; the standard library imports. A call past its timeout is
 * interrupted; a context that does not stop is closed and replaced.
 *
 * <p>Warm-up: a new context runs the input schema's {@code examples} once each before it takes
 * calls. The first run of a function in a fresh context loads the standard library code it touches
 * ({@code hashlib}, {@code datetime} parsing, the JSON encoder): about 200 ms for sse-handler on an
 * idle machine, more than its 500 ms timeout on a busy one. Run at load, that cost is the load's,
 * not the first caller's. The sandbox makes this safe: a Python skill can have no side effect.
 *
 * <p>How values cross (measured under the JIT, decisions 0013 and 0023): the input goes in as the
 * arguments of one call, a flat tape of plain values from which the glue builds the dicts and
 * lists (so skill code gets exactly what CPython's {@code json.loads} would give, and no Java
 * object); the output comes back as JSON text from one encoder made at load. Proxies of Java
 * maps and lists copied by a Python comprehension took a quarter of a settled call; parsing JSON
 * text inside GraalPy ({@code json.loads}) or walking the result through the polyglot API from
 * Java cost up to twice as much per call.
 */
final class PythonSkillRuntime implements SkillRuntime, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PythonSkillRuntime.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();
    /** The guest exception raised when a skill returns something JSON cannot hold. */
    private static final String NOT_JSON = "SwitchboardOutputNotJson";
    /** Calls the entry with plain Python values and returns its result as JSON text. */
    private static final String GLUE = """
            import json as _switchboard_json

            _switchboard_none = None
            _switchboard_dict = object()
            _switchboard_list = object()
            _switchboard_encode = _switchboard_json.JSONEncoder(allow_nan=False, ensure_ascii=False).encode

            class %1$s(Exception):
                pass

            def _switchboard_build(tape):
                stack = []
                i = 0
                end = len(tape)
                while i < end:
                    item = tape[i]
                    if item is _switchboard_dict:
                        size = tape[i + 1]
                        i += 2
                        start = len(stack) - 2 * size
                        pairs = stack[start:]
                        del stack[start:]
                        stack.append(dict(zip(pairs[0::2], pairs[1::2])))
                    elif item is _switchboard_list:
                        size = tape[i + 1]
                        i += 2
                        start = len(stack) - size
                        items = stack[start:]
                        del stack[start:]
                        stack.append(items)
                    else:
                        stack.append(item)
                        i += 1
                return stack[0]

            def _switchboard_call(fn, ctx, with_ctx, *tape):
                value = _switchboard_build(tape)
                result = fn(value, ctx) if with_ctx else fn(value)
                try:
                    return _switchboard_encode(result)
                except (TypeError, ValueError, RecursionError) as problem:
                    raise %1$s(str(problem)) from None
            """.formatted(NOT_JSON);

    private static final SkillContext WARM_UP = new SkillContext() {
        @Override
        public void progress(double fraction, String message) {
        }

        @Override
        public void log(String level, String message) {
        }

        @Override
        public boolean cancelled() {
            return false;
        }
    };

    /** What a context's thread takes from the queue to end. */
    private static final Runnable STOP = () -> { };

    /** How long {@link #close()} waits for the engine to close. */
    private static final Duration CLOSE_WAIT = Duration.ofMillis(100);

    private final int contexts;
    /** How much longer than its timeout a warm-up run of a cold context may take before it is stopped. */
    private final Duration warmUpAllowance;
    /** How long after a skill's contexts are ready its runs still get the warm-up allowance ({@code skills.python_jit_window}). */
    private final Duration jitWindow;
    private volatile Engine engine;
    /**
     * Set by {@link #close()}: no engine starts after it (a load racing with shutdown ends instead),
     * and the runners leave their contexts to the engine's close.
     */
    private volatile boolean closed;
    /** The contexts between their creation and the end of their warm-up, which {@link #close()} cancels first. */
    private final Set<Context> creating = ConcurrentHashMap.newKeySet();

    PythonSkillRuntime(int contexts, Duration warmUpAllowance, Duration jitWindow) {
        this.contexts = contexts;
        this.warmUpAllowance = warmUpAllowance;
        this.jitWindow = jitWindow;
    }

    /**
     * The shared engine, started with the first Python skill (it takes a second or two). Loads take
     * the lock to start it; {@link #close()} does not, so that it never waits for a start.
     */
    private synchronized Engine engine() {
        if (closed) {
            throw hostStopping();
        }
        if (engine == null) {
            // Contexts are entered only by their own platform threads (decision 0023), but they are
            // interrupted and closed from virtual threads; the engine's warning that virtual
            // threads are experimental on HotSpot would only alarm operators.
            // Turning that warning off is itself an experimental option; it is the only one set.
            Engine started = Engine.newBuilder("python")
                    .allowExperimentalOptions(true)
                    .option("engine.WarnInterpreterOnly", "false")
                    .option("engine.WarnVirtualThreadSupport", "false")
                    .build();
            engine = started;
            if (closed) {
                // close() ran while the engine started and found none to close.
                started.close(true);
                throw hostStopping();
            }
            String python = "GraalPy (Python " + started.getLanguages().get("python").getVersion() + ")";
            if (jitEnabled(started)) {
                LOG.info("{} started with the Graal JIT ({})", python, started.getImplementationName());
            } else {
                LOG.warn("{} runs interpreter-only: the Graal compiler is not on the JVM's upgrade module path, so Python "
                        + "skills run many times slower (bin/switchboard enables it from lib/jit; see docs/skills.md)", python);
            }
        }
        return engine;
    }

    /** Whether Truffle compiles with Graal here; an interpreter-only engine names itself "Interpreted". */
    static boolean jitEnabled(Engine engine) {
        return !"Interpreted".equals(engine.getImplementationName());
    }

    @Override
    public Runner prepare(SkillManifest manifest) throws SkillFormatException {
        Path file = manifest.folder().resolve(manifest.pythonFile().orElseThrow());
        Source source;
        try {
            source = Source.newBuilder("python", Files.readString(file, StandardCharsets.UTF_8), file.getFileName().toString()).build();
        } catch (IOException e) {
            throw new SkillFormatException(List.of("switchboard.entry: cannot read " + file.getFileName() + ": " + e.getMessage()));
        }
        PythonRunner runner = new PythonRunner(manifest, source);
        runner.start();
        return runner;
    }

    /** What a load gets once {@link #close()} has run: it ends instead of starting an engine or a context. */
    private static IllegalStateException hostStopping() {
        return new IllegalStateException("the Python runtime is closed: the host is stopping");
    }

    @Override
    public Map<String, Object> status() {
        Engine started = engine;
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("started", started != null);
        if (started != null) {
            status.put("engine", started.getImplementationName());
            status.put("python", started.getLanguages().get("python").getVersion());
            status.put("jit", jitEnabled(started));
        }
        status.put("contextsPerSkill", contexts);
        return status;
    }

    /**
     * Cancels the contexts being created, then closes the engine (which cancels and closes every
     * other context), waiting for both at most {@link #CLOSE_WAIT}.
     *
     * <p>The order matters. A load's first evaluation in a new context initializes the language
     * under the engine's lock, and closing the engine holds that lock while it waits for every
     * thread to leave its contexts: closing the engine first deadlocks with a load that is about
     * to initialize (seen on a SIGTERM during warm-up, decision 0022). Cancelling a context does
     * not take the engine's lock, so the load finishes initializing and then stops. That can still
     * take seconds on a busy machine (the engine's first context loads GraalPy's classes); the
     * host does not wait for it, and the engine finishes closing in the background, or with the JVM.
     */
    @Override
    public void close() {
        // Without the lock, which a load holds while the engine starts: either this sees the
        // engine, or the load sees closed after starting it (both fields are volatile).
        closed = true;
        Engine started = engine;
        if (started == null) {
            return;
        }
        Thread closing = Thread.ofPlatform().daemon().name("switchboard-python-close").start(() -> {
            for (Context context : creating) {
                try {
                    context.close(true);
                } catch (RuntimeException e) {
                    LOG.debug("Cancelling a context being created: {}", e.toString());
                }
            }
            try {
                started.close(true);
            } catch (RuntimeException e) {
                // Nobody waits for this thread: say what went wrong instead of an uncaught stack trace.
                LOG.warn("Closing the Python engine failed: {}", e.toString());
            }
        });
        try {
            if (!closing.join(CLOSE_WAIT)) {
                LOG.info("GraalPy is still creating a context for a skill that was loading; the host does not wait for it");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A context's thread: its context (null once it is gone), and the run in it now, guarded by the worker's lock. */
    private static final class Worker {
        volatile Loaded loaded;
        SkillContext run;
    }

    /** One context with the skill loaded in it. */
    private record Loaded(Context context, Value function, Value call, boolean withContext, Value none, Value integer, Value dict, Value list) {
    }

    private final class PythonRunner implements Runner {
        private final SkillManifest manifest;
        private final Source source;
        /** The runs waiting for a context; each context's own thread takes them in turn. */
        private final BlockingQueue<Runnable> runs = new LinkedBlockingQueue<>();
        /** Each context's thread, with the context it created and alone enters. */
        private final Map<Thread, Worker> workers = new ConcurrentHashMap<>();
        private final Executor executor = this::queue;
        /** The end of the JIT window ({@link System#nanoTime()}); set once every context is ready. */
        private volatile long warmUntil;
        /** Contexts that have run nothing yet: a skill without examples is not warmed at load. */
        private final Set<Context> cold = ConcurrentHashMap.newKeySet();
        private volatile boolean closed;

        PythonRunner(SkillManifest manifest, Source source) {
            this.manifest = manifest;
            this.source = source;
        }

        /**
         * Starts a thread per context, which creates and warms its context and then runs calls in
         * it, and waits until every context is ready.
         *
         * @throws SkillFormatException when a context cannot load the skill (the others are closed)
         */
        void start() throws SkillFormatException {
            List<CompletableFuture<Void>> ready = new ArrayList<>();
            for (int i = 0; i < contexts; i++) {
                CompletableFuture<Void> created = new CompletableFuture<>();
                ready.add(created);
                Thread.ofPlatform().daemon().name("switchboard-python-" + manifest.name() + "-" + i).start(() -> serve(created));
            }
            try {
                for (CompletableFuture<Void> created : ready) {
                    created.join();
                }
                warmUntil = System.nanoTime() + jitWindow.toNanos();
            } catch (CompletionException e) {
                close();
                switch (e.getCause()) {
                    case SkillFormatException format -> throw format;
                    case RuntimeException runtime -> throw runtime;
                    case Error error -> throw error;
                    default -> throw e;
                }
            }
        }

        /** A context's thread: creates the context, then runs what {@link #executor()} is given until the runner closes. */
        private void serve(CompletableFuture<Void> ready) {
            Thread thread = Thread.currentThread();
            Worker worker = new Worker();
            try {
                worker.loaded = newContext();
                workers.put(thread, worker);
                ready.complete(null);
            } catch (Throwable e) {
                ready.completeExceptionally(e);
                return;
            }
            try {
                while (true) {
                    Runnable next;
                    try {
                        next = runs.take();
                    } catch (InterruptedException e) {
                        // Only close() ends these threads, with STOP; runs are stopped through their context.
                        continue;
                    }
                    if (next == STOP) {
                        return;
                    }
                    next.run();
                    if (worker.loaded == null) {
                        // Its context could not be replaced (logged): the other contexts serve.
                        return;
                    }
                }
            } finally {
                workers.remove(thread);
                Loaded mine = worker.loaded;
                if (mine != null && !PythonSkillRuntime.this.closed) {
                    // Once the runtime is closing, the engine's close closes every context: closing one
                    // here would wait for the engine's lock, held by a context still being created.
                    mine.context().close(true);
                }
            }
        }

        /**
         * Runs go to the contexts' own threads: a context entered by one thread only keeps
         * Truffle's fast path for entering it and GraalPy's thread state, which a context taken
         * by whichever thread comes next loses on every call (decision 0023).
         */
        @Override
        public Executor executor() {
            return executor;
        }

        private void queue(Runnable run) {
            runs.add(run);
            if (closed && runs.remove(run)) {
                // Came after close(): no context thread would take it; run() tells the caller.
                Thread.ofVirtual().start(run);
            }
        }

        Loaded newContext() throws SkillFormatException {
            Context context = Context.newBuilder("python").engine(engine()).build();
            creating.add(context);
            try {
                if (PythonSkillRuntime.this.closed) {
                    // close() may have looked at the contexts being created before this one joined them.
                    context.close(true);
                    throw hostStopping();
                }
                context.eval(source);
                Value bindings = context.getBindings("python");
                Value function = bindings.getMember(manifest.pythonFunction().orElseThrow());
                if (function == null || !function.canExecute()) {
                    throw new SkillFormatException(List.of("switchboard.entry: " + manifest.pythonFile().orElseThrow()
                            + " has no function " + manifest.pythonFunction().orElseThrow()));
                }
                context.eval("python", GLUE);
                Value code = function.getMember("__code__");
                boolean withContext = code != null && code.getMember("co_argcount").asInt() >= 2;
                Loaded loaded = new Loaded(context, function, bindings.getMember("_switchboard_call"), withContext,
                        bindings.getMember("_switchboard_none"), bindings.getMember("int"),
                        bindings.getMember("_switchboard_dict"), bindings.getMember("_switchboard_list"));
                warm(loaded);
                if (manifest.examples().isEmpty()) {
                    cold.add(context);
                }
                return loaded;
            } catch (PolyglotException e) {
                context.close(true);
                throw new SkillFormatException(List.of("switchboard.entry: " + manifest.pythonFile().orElseThrow()
                        + " does not load: " + e.getMessage()));
            } catch (SkillFormatException e) {
                context.close(true);
                throw e;
            } finally {
                creating.remove(context);
            }
        }

        /**
         * Runs each example once in {@code loaded}, stopped past the skill's timeout plus the
         * warm-up allowance. An example that fails is reported and the context is used anyway: the
         * example is what is wrong, and the skill's callers would see the same failure.
         */
        private void warm(Loaded loaded) throws SkillFormatException {
            List<JsonNode> examples = manifest.examples();
            Duration limit = manifest.timeout().plus(warmUpAllowance);
            for (int i = 0; i < examples.size(); i++) {
                JsonNode example = examples.get(i);
                Thread watchdog = Thread.ofVirtual().start(() -> {
                    try {
                        Thread.sleep(limit);
                        loaded.context().interrupt(Duration.ofSeconds(1));
                    } catch (InterruptedException e) {
                        // The run ended in time.
                    } catch (TimeoutException e) {
                        loaded.context().close(true);
                    }
                });
                try {
                    loaded.call().execute(arguments(example, WARM_UP, loaded));
                } catch (PolyglotException e) {
                    if (e.isCancelled()) {
                        throw new SkillFormatException(List.of("switchboard.input_schema: examples[" + i + "] ran past "
                                + limit.toMillis() + " ms at warm-up and would not stop"));
                    }
                    LOG.warn("Skill {}: examples[{}] failed at warm-up: {}", manifest.name(), i, e.getMessage());
                } finally {
                    watchdog.interrupt();
                }
            }
        }

        @Override
        public JsonNode run(JsonNode input, SkillContext context) throws Exception {
            Worker worker = workers.get(Thread.currentThread());
            Loaded loaded = worker == null ? null : worker.loaded;
            if (loaded == null) {
                throw new IllegalStateException(closed ? manifest.name() + " was unloaded before the call could run"
                        : "a Python skill runs on a thread of its runner's executor()");
            }
            boolean healthy = true;
            cold.remove(loaded.context());
            synchronized (worker) {
                worker.run = context;
            }
            try {
                String out = loaded.call().execute(arguments(input, context, loaded)).asString();
                return JSON.readTree(out);
            } catch (PolyglotException e) {
                if (e.isCancelled() || e.isInterrupted() || context.cancelled()) {
                    healthy = !e.isCancelled();
                    throw new InterruptedException("stopped");
                }
                if (e.isGuestException()) {
                    String message = e.getMessage() == null ? "error" : e.getMessage();
                    if (message.startsWith(NOT_JSON)) {
                        throw new SkillException(SkillException.Kind.OUTPUT_INVALID, manifest.name() + " returned a value JSON cannot hold: "
                                + message.substring(message.indexOf(':') + 1).strip(), List.of(), e);
                    }
                    if (message.startsWith("ValueError")) {
                        throw new IllegalArgumentException(message.substring(message.indexOf(':') + 1).strip(), e);
                    }
                    throw new IllegalStateException(message, e);
                }
                healthy = false;
                throw new IllegalStateException(e.getMessage(), e);
            } finally {
                synchronized (worker) {
                    // Waits for a stop of this run that is under way: it must not reach the next one.
                    worker.run = null;
                }
                if (!healthy) {
                    replace(worker, loaded);
                }
            }
        }

        /** Closes the context of {@code worker} that would not stop, and creates it a new one. */
        private void replace(Worker worker, Loaded loaded) {
            loaded.context().close(true);
            worker.loaded = null;
            if (closed) {
                return;
            }
            try {
                worker.loaded = newContext();
            } catch (SkillFormatException | RuntimeException e) {
                LOG.warn("Skill {}: cannot replace a Python context: {}", manifest.name(), e.getMessage());
            }
        }

        /**
         * The warm-up allowance while some context has never run, and for the JIT window after
         * the contexts were ready: until the compiler has caught up, a call can run at
         * interpreter speed, and a batch of 100 events then takes longer than sse-handler's
         * 500 ms (decision 0023). Stopping it would throw away the work and leave the code as cold.
         */
        @Override
        public Duration coldStartAllowance() {
            return cold.isEmpty() && System.nanoTime() - warmUntil >= 0 ? Duration.ZERO : warmUpAllowance;
        }

        /**
         * Interrupts {@code run}'s context, on a virtual thread, until the run has ended; a context
         * that does not stop within 500 ms is closed (and replaced when the run returns). The check
         * that {@code run} is still the one in the context and the interrupt are made under the
         * worker's lock, which the run takes to end: a run that ended meanwhile, and the next call
         * its thread took, are never interrupted by a stop meant for it. The loop covers a run
         * that had not yet entered its context at the first interrupt.
         */
        @Override
        public void stop(Thread thread, SkillContext run) {
            Worker worker = workers.get(thread);
            if (worker == null) {
                return;
            }
            Thread.ofVirtual().start(() -> {
                try {
                    while (true) {
                        synchronized (worker) {
                            if (worker.run != run || worker.loaded == null) {
                                return;
                            }
                            Context context = worker.loaded.context();
                            try {
                                context.interrupt(Duration.ofMillis(500));
                            } catch (TimeoutException e) {
                                context.close(true);
                            }
                        }
                        Thread.sleep(1);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (RuntimeException e) {
                    // The context was closed meanwhile (the runtime is stopping): there is nothing left to stop.
                    LOG.debug("Stopping a Python run: {}", e.toString());
                }
            });
        }

        /**
         * The glue's arguments: the function, the skill context, whether the function takes it,
         * then the input as a tape of plain values in post-order, which the glue builds into
         * dicts and lists (see the glue's {@code _switchboard_build}). A dict is its keys and values
         * in turn followed by the dict marker and their count, a list its items followed by the list
         * marker and their count. Strings, longs, doubles and booleans become Python values as
         * arguments; null and integers past a long are made by Python itself, since as host values
         * they would reach skill code as foreign objects, not {@code None} and {@code int}.
         */
        private Object[] arguments(JsonNode input, SkillContext context, Loaded loaded) {
            List<Object> tape = new ArrayList<>(16);
            tape.add(loaded.function());
            tape.add(loaded.withContext() ? guestContext(context) : loaded.none());
            tape.add(loaded.withContext());
            flatten(input, loaded, tape);
            return tape.toArray();
        }

        private static void flatten(JsonNode node, Loaded loaded, List<Object> tape) {
            switch (node.getNodeType()) {
                case OBJECT -> {
                    for (Map.Entry<String, JsonNode> entry : node.properties()) {
                        tape.add(entry.getKey());
                        flatten(entry.getValue(), loaded, tape);
                    }
                    tape.add(loaded.dict());
                    tape.add(node.size());
                }
                case ARRAY -> {
                    for (JsonNode item : node) {
                        flatten(item, loaded, tape);
                    }
                    tape.add(loaded.list());
                    tape.add(node.size());
                }
                case STRING -> tape.add(node.stringValue());
                case NUMBER -> tape.add(node.isIntegralNumber()
                        ? (node.canConvertToLong() ? (Object) node.longValue() : loaded.integer().execute(node.bigIntegerValue().toString()))
                        : (Object) node.doubleValue());
                case BOOLEAN -> tape.add(node.booleanValue());
                default -> tape.add(loaded.none());
            }
        }

        private Object guestContext(SkillContext context) {
            return ProxyObject.fromMap(Map.of(
                    "progress", (ProxyExecutable) args -> {
                        context.progress(args.length > 0 && args[0].isNumber() ? args[0].asDouble() : 0,
                                args.length > 1 && args[1].isString() ? args[1].asString() : "");
                        return null;
                    },
                    "log", (ProxyExecutable) args -> {
                        context.log(args.length > 0 ? args[0].toString() : "info", args.length > 1 ? args[1].toString() : "");
                        return null;
                    },
                    "cancelled", (ProxyExecutable) args -> context.cancelled()));
        }

        /**
         * Each context's thread ends once the runs queued before this are done, and closes its
         * context: a call under way when a new version replaces this one finishes in the old one.
         */
        @Override
        public void close() {
            closed = true;
            for (int i = 0; i < contexts; i++) {
                runs.add(STOP);
            }
        }
    }
}
