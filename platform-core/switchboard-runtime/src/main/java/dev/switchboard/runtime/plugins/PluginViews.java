package dev.switchboard.runtime.plugins;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * What operators see of the plugins: the views published after every pass (read from any
 * thread), and the log line and {@link PluginEvent} for every plugin whose view changed.
 */
final class PluginViews {

    private static final Logger LOG = LoggerFactory.getLogger(PluginManager.class);

    private final List<Consumer<PluginEvent>> listeners = new CopyOnWriteArrayList<>();
    private volatile List<PluginView> all = List.of();
    /** The view of the jar that provides each id (not a duplicate), published with {@link #all}. */
    private volatile Map<String, PluginView> byId = Map.of();

    List<PluginView> all() {
        return all;
    }

    Optional<PluginView> get(String id) {
        return Optional.ofNullable(byId.get(id));
    }

    void addListener(Consumer<PluginEvent> listener) {
        listeners.add(listener);
    }

    /** Publishes the views of these slots, and logs and emits what changed since the last time. */
    void publish(Collection<PluginSlot> slots, long generation) {
        Map<String, PluginView> before = new HashMap<>();
        for (PluginView view : all) {
            before.put(view.file(), view);
        }
        List<PluginView> list = new ArrayList<>();
        Map<String, PluginView> ids = new HashMap<>();
        for (PluginSlot slot : slots) {
            PluginView view = slot.view();
            list.add(view);
            if (!slot.duplicate()) {
                // Of two jars with one id that are not duplicates (one broken), the live one wins.
                ids.merge(view.id(), view, (a, b) -> b.state() == PluginState.STARTED ? b : a);
            }
        }
        list.sort(Comparator.comparing(PluginView::id).thenComparing(PluginView::file));
        all = List.copyOf(list);
        byId = Map.copyOf(ids);
        for (PluginView view : list) {
            PluginView old = before.remove(view.file());
            if (old == null || old.state() != view.state() || !Objects.equals(old.version(), view.version())
                    || !Objects.equals(old.reason(), view.reason()) || !Objects.equals(old.generation(), view.generation())
                    || !Objects.equals(old.rejected(), view.rejected())) {
                logChange(view);
                emit(new PluginEvent.PluginChanged(view.id(), view.version(), view.state(),
                        view.rejected() != null ? "rejected " + view.rejected().version() + ": " + view.rejected().reason() : view.reason(),
                        generation, Instant.now()));
            }
        }
        for (PluginView gone : before.values()) {
            LOG.info("Plugin {} {} removed ({} deleted)", gone.id(), gone.version(), gone.file());
            emit(new PluginEvent.PluginChanged(gone.id(), gone.version(), PluginState.STOPPED, "removed: " + gone.file() + " was deleted",
                    generation, Instant.now()));
        }
    }

    void emit(PluginEvent event) {
        for (Consumer<PluginEvent> listener : listeners) {
            try {
                listener.accept(event);
            } catch (RuntimeException e) {
                LOG.debug("Plugin event listener failed", e);
            }
        }
    }

    private static void logChange(PluginView view) {
        switch (view.state()) {
            case STARTED -> {
                if (view.rejected() != null) {
                    LOG.warn("Plugin {}: {} {} rejected, {} keeps serving: {}", view.id(), view.file(), view.rejected().version(),
                            view.version(), view.rejected().reason());
                } else {
                    LOG.info("Plugin {} {} started{}", view.id(), view.version(),
                            view.routes().isEmpty() ? "" : " (" + view.routes().stream().map(r -> r.method() + " " + r.path()).distinct().toList() + ")");
                }
            }
            case FAILED -> LOG.warn("Plugin {} ({}) FAILED: {}", view.id(), view.file(), view.reason());
            case STOPPED -> LOG.info("Plugin {} {} stopped: {}", view.id(), view.version(), view.reason());
            case DISABLED -> LOG.info("Plugin {} {} disabled", view.id(), view.version());
        }
    }
}
