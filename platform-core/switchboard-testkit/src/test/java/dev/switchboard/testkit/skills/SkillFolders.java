package dev.switchboard.testkit.skills;

import dev.switchboard.testkit.PluginJarBuilder;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Skill folders written by a test into a temporary directory: a SKILL.md and files, or a Java skill with its jar. */
public final class SkillFolders {

    private final Path root;

    public SkillFolders(String prefix) {
        try {
            this.root = Files.createTempDirectory(prefix);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The temporary directory the folders are written into. */
    public Path root() {
        return root;
    }

    /** A folder {@code name} with {@code skillMd} as its SKILL.md and {@code files} as name, content pairs. */
    public Path folder(String name, String skillMd, String... files) {
        try {
            Path folder = root.resolve(name);
            Files.createDirectories(folder);
            Files.writeString(folder.resolve("SKILL.md"), skillMd);
            for (int i = 0; i < files.length; i += 2) {
                Files.writeString(folder.resolve(files[i]), files[i + 1]);
            }
            return folder;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A Java skill in its own jar in the skill folder, with {@code body} as its run method (it sees
     * {@code input} and {@code context}); input {@code {text}}, output {@code {upper}}.
     * {@code extra} is more of the {@code switchboard:} block, indented by two spaces.
     */
    public Path javaSkill(String name, String extra, String body) {
        String className = Character.toUpperCase(name.charAt(0)) + name.substring(1) + "Skill";
        Path folder = folder(name, """
                ---
                name: %s
                description: Upper-cases a text.
                switchboard:
                  runtime: java
                  entry: skills.%s
                  version: 1.0.0
                  input_schema: {type: object, required: [text], properties: {text: {type: string, maxLength: 100}}}
                  output_schema: {type: object, required: [upper], properties: {upper: {type: string}}}
                %s---
                # %s

                Upper-cases the text it is given.
                """.formatted(name, className, extra, name));
        PluginJarBuilder.jar().fileName(name + ".jar").source("""
                package skills;

                import dev.switchboard.api.*;
                import tools.jackson.databind.JsonNode;
                import tools.jackson.databind.node.JsonNodeFactory;

                public class %s implements JavaSkill {
                    @Override
                    public JsonNode run(JsonNode input, SkillContext context) {
                        %s
                    }
                }
                """.formatted(className, body.indent(8).strip())).build(folder);
        return folder;
    }
}
