package dev.switchboard.runtime.plugins;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Set;
import java.util.TreeSet;

/**
 * The plugins an operator disabled, kept in {@code <plugins dir>/.switchboard/state.json} so the
 * choice survives restarts. Written atomically; only the plugin-operations thread uses it.
 */
final class DisabledPlugins {

    private static final Logger LOG = LoggerFactory.getLogger(DisabledPlugins.class);
    private static final JsonMapper JSON = JsonMapper.shared();

    private final Path file;
    private final Set<String> disabled = new TreeSet<>();

    DisabledPlugins(Path file) {
        this.file = file;
        if (Files.isRegularFile(file)) {
            try {
                JsonNode state = JSON.readTree(file.toFile());
                for (JsonNode id : state.path("disabled")) {
                    disabled.add(id.asString());
                }
            } catch (JacksonException e) {
                LOG.warn("Ignoring unreadable plugin state {} ({}); every plugin starts enabled", file, e.getOriginalMessage());
            }
        }
    }

    boolean contains(String id) {
        return disabled.contains(id);
    }

    void set(String id, boolean isDisabled) {
        boolean changed = isDisabled ? disabled.add(id) : disabled.remove(id);
        if (changed) {
            save();
        }
    }

    private void save() {
        ArrayNode ids = JSON.createArrayNode();
        disabled.forEach(ids::add);
        try {
            Files.createDirectories(file.getParent());
            Path temp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.writeString(temp, JSON.createObjectNode().set("disabled", ids).toPrettyString());
            try {
                Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save the plugin state to " + file, e);
        }
    }
}
