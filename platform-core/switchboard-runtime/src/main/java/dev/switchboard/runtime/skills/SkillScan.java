package dev.switchboard.runtime.skills;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * One look at the skills directory: every folder with a {@code SKILL.md}, read. A folder whose
 * {@code SKILL.md} is bad is rejected with its reasons and the others load; of two folders that
 * claim one name, the first in folder-name order keeps it and the other is rejected.
 *
 * @param loaded   the usable skills, by name
 * @param rejected folder name → why it was skipped
 */
public record SkillScan(Map<String, SkillManifest> loaded, Map<String, List<String>> rejected) {

    public SkillScan {
        loaded = Map.copyOf(loaded);
        rejected = Map.copyOf(rejected);
    }

    /** Scans {@code directory}; a missing directory has no skills. */
    public static SkillScan of(Path directory) throws IOException {
        Map<String, SkillManifest> loaded = new LinkedHashMap<>();
        Map<String, Path> owners = new LinkedHashMap<>();
        Map<String, List<String>> rejected = new LinkedHashMap<>();
        if (!Files.isDirectory(directory)) {
            return new SkillScan(loaded, rejected);
        }
        List<Path> folders;
        try (Stream<Path> list = Files.list(directory)) {
            folders = list.filter(Files::isDirectory)
                    .filter(folder -> !folder.getFileName().toString().startsWith("."))
                    .filter(folder -> Files.exists(folder.resolve(SkillManifestParser.FILE)))
                    .sorted()
                    .toList();
        }
        for (Path folder : folders) {
            String folderName = folder.getFileName().toString();
            try {
                SkillManifest manifest = SkillManifestParser.parse(folder);
                Path owner = owners.putIfAbsent(manifest.name(), folder);
                if (owner != null) {
                    rejected.put(folderName, List.of("name: '" + manifest.name() + "' is already the name of the skill in "
                            + owner.getFileName() + "; skill names are unique"));
                } else {
                    loaded.put(manifest.name(), manifest);
                }
            } catch (SkillFormatException e) {
                rejected.put(folderName, new ArrayList<>(e.problems()));
            }
        }
        return new SkillScan(loaded, rejected);
    }
}
