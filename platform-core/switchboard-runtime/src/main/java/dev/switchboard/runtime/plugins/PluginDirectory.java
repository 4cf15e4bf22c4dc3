package dev.switchboard.runtime.plugins;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Collection;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * The plugin directory on disk: the jars in it, and the staging folder where an upload waits,
 * and the jar it replaces is kept, until the upload is known to start. Every move is atomic where
 * the file system allows it, so the watcher never sees half a jar.
 */
final class PluginDirectory {

    private static final Logger LOG = LoggerFactory.getLogger(PluginDirectory.class);

    private final Path dir;
    private final Path stagingDir;

    PluginDirectory(Path dir, Path stagingDir) {
        this.dir = dir;
        this.stagingDir = stagingDir;
    }

    Path dir() {
        return dir;
    }

    Path resolve(String file) {
        return dir.resolve(file);
    }

    /** Creates the folders and deletes what earlier host processes left in staging. */
    void prepare() throws IOException {
        Files.createDirectories(dir);
        Files.createDirectories(stagingDir);
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(stagingDir)) {
            for (Path leftover : stream) {
                Files.deleteIfExists(leftover);
            }
        } catch (IOException e) {
            LOG.debug("Cleaning {}", stagingDir, e);
        }
    }

    /**
     * The jars in the directory, by file name (hidden files left out); when it cannot be listed,
     * the files {@code whenUnreadable}.
     */
    Map<String, Path> jars(Collection<String> whenUnreadable) {
        Map<String, Path> jars = new TreeMap<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir, "*.jar")) {
            for (Path path : stream) {
                String name = path.getFileName().toString();
                if (!name.startsWith(".") && Files.isRegularFile(path)) {
                    jars.put(name, path);
                }
            }
        } catch (IOException e) {
            LOG.error("Cannot list the plugin directory {}: {}", dir, e.getMessage());
            jars.clear();
            whenUnreadable.forEach(file -> jars.put(file, dir.resolve(file)));
        }
        return jars;
    }

    /** A new file in staging for an upload; the caller deletes it when done. */
    Path newUpload() throws IOException {
        Files.createDirectories(stagingDir);
        return stagingDir.resolve("upload-" + UUID.randomUUID() + ".jar");
    }

    /** Copies {@code in} to {@code target}; returns the bytes written, or -1 past {@code limit} bytes. */
    static long copyLimited(InputStream in, Path target, long limit) throws IOException {
        long total = 0;
        byte[] buffer = new byte[64 * 1024];
        try (OutputStream out = Files.newOutputStream(target)) {
            int read;
            while ((read = in.read(buffer)) >= 0) {
                total += read;
                if (total > limit) {
                    return -1;
                }
                out.write(buffer, 0, read);
            }
        }
        return total;
    }

    /**
     * Moves a staged jar into the directory as {@code file}, keeping the jar it replaces (if any)
     * in staging until {@link Placement#keep()} or {@link Placement#undo()}.
     */
    Placement place(Path staged, String file, boolean replaces) throws IOException {
        Path target = dir.resolve(file);
        Path backup = null;
        if (replaces) {
            backup = stagingDir.resolve("backup-" + UUID.randomUUID() + ".jar");
            move(target, backup);
        }
        try {
            move(staged, target);
        } catch (IOException e) {
            if (backup != null) {
                move(backup, target);
            }
            throw e;
        }
        return new Placement(target, backup);
    }

    /** A jar moved into the directory, and the one it replaced. */
    record Placement(Path target, Path backup) {

        /** The new jar stays: the one it replaced is deleted. */
        void keep() throws IOException {
            if (backup != null) {
                Files.deleteIfExists(backup);
            }
        }

        /** The new jar goes; returns whether a replaced jar was put back. */
        boolean undo() throws IOException {
            Files.deleteIfExists(target);
            if (backup == null) {
                return false;
            }
            move(backup, target);
            return true;
        }
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to);
        }
    }
}
