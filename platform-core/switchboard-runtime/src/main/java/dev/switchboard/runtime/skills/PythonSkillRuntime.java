package dev.switchboard.runtime.skills;

import dev.switchboard.api.SkillContext;
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
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;

/**
 * Python skills in-process, on GraalPy: one shared engine, and per skill a pool of contexts (a
 * context runs one call at a time), created and warmed when the skill loads. Contexts are
 * sandboxed as GraalPy's defaults are: no files, sockets, subprocesses, threads, native code,
 * environment or host classes; the standard library imports. Input and output cross as JSON text,
 * so no Java object reaches skill code. A call past its timeout is interrupted; a context that
 * does not stop is closed and replaced.
 */
final class PythonSkillRuntime implements SkillRuntime, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PythonSkillRuntime.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();
    /** Calls the entry with plain Python values and returns its result as JSON text. */
    private static final String GLUE = """
            import json as _switchboard_json
            def _switchboard_call(fn, text, ctx):
                value = _switchboard_json.loads(text)
                code = getattr(fn, "__code__", None)
                result = fn(value, ctx) if code is not None and code.co_argcount >= 2 else fn(value)
                return _switchboard_json.dumps(result, allow_nan=False, ensure_ascii=False)
            """;

    private final int contexts;
    private Engine engine;

    PythonSkillRuntime(int contexts) {
        this.contexts = contexts;
    }

    /** The shared engine, started with the first Python skill (it takes a second or two). */
    private synchronized Engine engine() {
        if (engine == null) {
            engine = Engine.newBuilder("python").option("engine.WarnInterpreterOnly", "false").build();
            LOG.info("GraalPy started: {} {}", engine.getImplementationName(), engine.getVersion());
        }
        return engine;
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
        try {
            for (int i = 0; i < contexts; i++) {
                runner.pool.add(runner.newContext());
            }
        } catch (SkillFormatException e) {
            runner.close();
            throw e;
        }
        return runner;
    }

    @Override
    public synchronized void close() {
        if (engine != null) {
            engine.close(true);
        }
    }

    /** One context with the skill loaded in it. */
    private record Loaded(Context context, Value function, Value call) {
    }

    private final class PythonRunner implements Runner {
        private final SkillManifest manifest;
        private final Source source;
        private final BlockingQueue<Loaded> pool = new ArrayBlockingQueue<>(contexts);
        private final Map<Thread, Loaded> running = new ConcurrentHashMap<>();
        private volatile boolean closed;

        PythonRunner(SkillManifest manifest, Source source) {
            this.manifest = manifest;
            this.source = source;
        }

        Loaded newContext() throws SkillFormatException {
            Context context = Context.newBuilder("python").engine(engine()).build();
            try {
                context.eval(source);
                Value bindings = context.getBindings("python");
                Value function = bindings.getMember(manifest.pythonFunction().orElseThrow());
                if (function == null || !function.canExecute()) {
                    throw new SkillFormatException(List.of("switchboard.entry: " + manifest.pythonFile().orElseThrow()
                            + " has no function " + manifest.pythonFunction().orElseThrow()));
                }
                context.eval("python", GLUE);
                return new Loaded(context, function, bindings.getMember("_switchboard_call"));
            } catch (PolyglotException e) {
                context.close(true);
                throw new SkillFormatException(List.of("switchboard.entry: " + manifest.pythonFile().orElseThrow()
                        + " does not load: " + e.getMessage()));
            }
        }

        @Override
        public JsonNode run(JsonNode input, SkillContext context) throws Exception {
            Loaded loaded = pool.take();
            Thread thread = Thread.currentThread();
            running.put(thread, loaded);
            boolean healthy = true;
            try {
                String out = loaded.call().execute(loaded.function(), input.toString(), guestContext(context)).asString();
                return JSON.readTree(out);
            } catch (PolyglotException e) {
                if (e.isCancelled() || e.isInterrupted() || context.cancelled()) {
                    healthy = !e.isCancelled();
                    throw new InterruptedException("stopped");
                }
                if (e.isGuestException()) {
                    String message = e.getMessage() == null ? "error" : e.getMessage();
                    if (message.startsWith("ValueError")) {
                        throw new IllegalArgumentException(message.substring(message.indexOf(':') + 1).strip(), e);
                    }
                    throw new IllegalStateException(message, e);
                }
                healthy = false;
                throw new IllegalStateException(e.getMessage(), e);
            } finally {
                running.remove(thread);
                giveBack(loaded, healthy);
            }
        }

        private void giveBack(Loaded loaded, boolean healthy) {
            if (closed) {
                loaded.context().close(true);
                return;
            }
            if (healthy) {
                pool.add(loaded);
                return;
            }
            loaded.context().close(true);
            try {
                pool.add(newContext());
            } catch (SkillFormatException | RuntimeException e) {
                LOG.warn("Skill {}: cannot replace a Python context: {}", manifest.name(), e.getMessage());
            }
        }

        @Override
        public void stop(Thread thread) {
            Loaded loaded = running.get(thread);
            if (loaded == null) {
                return;
            }
            Thread.ofVirtual().start(() -> {
                try {
                    loaded.context().interrupt(Duration.ofMillis(500));
                } catch (TimeoutException e) {
                    // It would not stop: kill the context; a fresh one replaces it when the call returns.
                    loaded.context().close(true);
                }
            });
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

        @Override
        public void close() {
            closed = true;
            List<Loaded> idle = new ArrayList<>();
            pool.drainTo(idle);
            idle.forEach(loaded -> loaded.context().close(true));
        }
    }
}
