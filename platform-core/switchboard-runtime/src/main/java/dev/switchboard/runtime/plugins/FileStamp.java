package dev.switchboard.runtime.plugins;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Objects;

/**
 * What tells one version of a file from another without reading it: size, modification time and
 * the file key (inode). An atomic rename over a jar changes the key even when size and time match.
 */
record FileStamp(long size, long modifiedMillis, Object fileKey) {

    static FileStamp of(Path file) throws IOException {
        BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
        return new FileStamp(attributes.size(), attributes.lastModifiedTime().toMillis(), attributes.fileKey());
    }

    static FileStamp orNull(Path file) {
        try {
            return of(file);
        } catch (IOException e) {
            return null;
        }
    }

    boolean sameAs(FileStamp other) {
        return other != null && size == other.size && modifiedMillis == other.modifiedMillis && Objects.equals(fileKey, other.fileKey);
    }
}
