package dev.switchboard.runtime.plugins;

import dev.switchboard.api.Event;
import dev.switchboard.api.Events;
import dev.switchboard.api.NewEvent;
import dev.switchboard.runtime.lang.ContextLoader;

import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;

/**
 * The event hub as one plugin version sees it: publishing goes straight to the hub; its
 * subscriptions hold their events until the version is live ({@link #live()}), run the consumer
 * under the plugin's class loader, and all close when the version leaves the live generation
 * ({@link #close()}), so a retired version never acts on an event again.
 */
final class PluginEvents implements Events {

    private final Events hub;
    private final ClassLoader loader;
    private final CountDownLatch live = new CountDownLatch(1);
    private final List<Subscription> subscriptions = new CopyOnWriteArrayList<>();
    private volatile boolean closed;

    PluginEvents(Events hub, ClassLoader loader) {
        this.hub = hub;
        this.loader = loader;
    }

    @Override
    public Event publish(String topic, NewEvent event) {
        return hub.publish(topic, event);
    }

    @Override
    public Set<String> topics() {
        return hub.topics();
    }

    @Override
    public Subscription subscribe(Set<String> topics, Consumer<Event> consumer) {
        if (closed) {
            throw new IllegalStateException("this plugin version has stopped; it cannot subscribe any more");
        }
        Subscription subscription = hub.subscribe(topics, event -> {
            try {
                // The subscription's own thread waits; the hub queues meanwhile.
                live.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (!closed) {
                ContextLoader.run(loader, () -> consumer.accept(event));
            }
        });
        subscriptions.add(subscription);
        if (closed) {
            // Raced with close(): nothing may outlive the version.
            subscription.close();
        }
        return subscription;
    }

    /** The version went live: its subscriptions start delivering. */
    void live() {
        live.countDown();
    }

    /** The version left the live generation (or never made it): its subscriptions close. */
    void close() {
        closed = true;
        subscriptions.forEach(Subscription::close);
        live.countDown();
    }
}
