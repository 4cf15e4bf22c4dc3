package dev.switchboard.runtime.lang;

/**
 * Runs plugin code with the plugin's class loader as the thread's context class loader, and puts
 * the previous one back however the code ends. Libraries inside a plugin (Jackson modules,
 * ServiceLoader lookups, JAXB, logging back ends) find their classes through the context loader,
 * so every call from the host into plugin code goes through here.
 */
public final class ContextLoader {

    private ContextLoader() {
    }

    /** Code that returns a value and may throw {@code E}. */
    @FunctionalInterface
    public interface Call<T, E extends Throwable> {
        T call() throws E;
    }

    /** Code that returns nothing and may throw {@code E}. */
    @FunctionalInterface
    public interface Run<E extends Throwable> {
        void run() throws E;
    }

    /**
     * Makes {@code loader} the context loader until the scope closes, for code that throws more
     * than one checked exception: {@code try (var scope = ContextLoader.enter(loader)) { ... }}.
     */
    public static Scope enter(ClassLoader loader) {
        Thread thread = Thread.currentThread();
        Scope scope = new Scope(thread, thread.getContextClassLoader());
        thread.setContextClassLoader(loader);
        return scope;
    }

    /** Puts the previous context loader back on close. */
    public record Scope(Thread thread, ClassLoader previous) implements AutoCloseable {
        @Override
        public void close() {
            thread.setContextClassLoader(previous);
        }
    }

    public static <T, E extends Throwable> T call(ClassLoader loader, Call<T, E> code) throws E {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(loader);
        try {
            return code.call();
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    public static <E extends Throwable> void run(ClassLoader loader, Run<E> code) throws E {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(loader);
        try {
            code.run();
        } finally {
            thread.setContextClassLoader(previous);
        }
    }
}
