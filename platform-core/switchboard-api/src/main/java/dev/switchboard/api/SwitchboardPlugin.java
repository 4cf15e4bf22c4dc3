package dev.switchboard.api;

import org.pf4j.ExtensionPoint;

/**
 * What a plugin implements: the one entry point through which it contributes to the host.
 *
 * <p>Annotate the implementation with {@link org.pf4j.Extension @Extension} and build the plugin
 * with annotation processing on ({@code <proc>full</proc>} on JDK 23+), so that PF4J's index lists
 * it. A jar may hold several implementations; each is started.
 *
 * <pre>{@code
 * @Extension
 * public final class HelloPlugin implements SwitchboardPlugin {
 *     public void start(Platform platform) {
 *         platform.jaxrs(new HelloResource(platform.config().bind(HelloConfig.class)));
 *         platform.healthCheck("greetings", () -> Health.up());
 *     }
 * }
 * }</pre>
 *
 * <h2>Lifecycle</h2>
 * Plugins are swapped blue/green: when a plugin is replaced or reloaded, the new version's
 * {@code start} runs (and its routes go live) <em>before</em> the old version's {@code stop}.
 * The old version keeps serving the requests it already accepted until they finish, then it is
 * stopped and its class loader is dropped. So {@code start} must not assume it is alone: do not
 * take exclusive resources (a fixed port, a file lock) without a way to share or retry.
 *
 * <p>Both methods run with the plugin's class loader as the thread's context class loader, each
 * bounded by {@code plugins.start_timeout}. {@code start} calls never overlap each other;
 * {@code stop} runs later, on the host's retirement thread, and may overlap another plugin's
 * (or this plugin's next version's) {@code start}.
 *
 * @since 0.1.0
 */
public interface SwitchboardPlugin extends ExtensionPoint {

    /**
     * Starts the plugin and declares what it contributes (routes, filters, health checks) through
     * {@code platform}. Throwing marks the plugin {@code FAILED} with the exception's message as
     * the reason (or, when this version was to replace a live one, leaves that one serving and
     * reports this one as rejected); nothing it declared goes live and {@link #stop()} is still
     * called so it can release what it took.
     */
    void start(Platform platform) throws Exception;

    /**
     * Stops the plugin: stop every thread, executor, timer and connection that {@link #start}
     * opened. Called once no request is running in this plugin's routes any more, or once
     * {@code plugins.drain_timeout} has passed. A thread left running keeps the plugin's classes
     * in memory; the host detects that and reports a leak.
     */
    default void stop() throws Exception {
    }
}
