package dev.switchboard.runtime.mcp;

import dev.switchboard.api.Principal;
import dev.switchboard.runtime.skills.ContentHash;
import dev.switchboard.runtime.skills.SkillFormatException;
import dev.switchboard.runtime.skills.SkillManifest;
import dev.switchboard.runtime.skills.SkillManifestParser;
import dev.switchboard.runtime.skills.SkillRegistry;
import io.modelcontextprotocol.server.McpServerFeatures;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import reactor.core.publisher.Mono;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The skills as documents: each skill's {@code SKILL.md} as a {@code text/markdown} resource at
 * {@code skill://<name>/SKILL.md}, and the skills extension's {@code skills/list} and
 * {@code skills/get}, which describe the same packages (front matter, digest, size). A document is
 * read once per skill version.
 */
final class SkillsExtension {

    static final String EXTENSION = "io.modelcontextprotocol/skills";

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
    };

    private final SkillRegistry registry;
    /** SKILL.md documents by skill content hash; pruned to the live skills on every sync. */
    private final Map<String, Document> documents = new ConcurrentHashMap<>();

    SkillsExtension(SkillRegistry registry) {
        this.registry = registry;
    }

    /** Forgets the documents of skill versions no longer live. */
    void retain(List<SkillManifest> live) {
        documents.keySet().retainAll(live.stream().map(SkillManifest::contentHash).toList());
    }

    static String uri(SkillManifest skill) {
        return "skill://" + skill.name() + "/SKILL.md";
    }

    /** The {@code SKILL.md} of {@code skill} as an MCP resource. */
    static McpSchema.Resource skillResource(SkillManifest skill) {
        return McpSchema.Resource.builder(uri(skill), skill.name())
                .title(SkillToolCalls.title(skill.name()))
                .description(skill.description())
                .mimeType("text/markdown")
                .build();
    }

    /** The {@code SKILL.md} of {@code skill} as a resource the SDK serves (to callers who may use the skill). */
    McpServerFeatures.AsyncResourceSpecification resource(SkillManifest skill) {
        String name = skill.name();
        return new McpServerFeatures.AsyncResourceSpecification(skillResource(skill), (exchange, request) -> Mono.fromCallable(() -> {
            Principal caller = (Principal) exchange.transportContext().get(TransportContext.PRINCIPAL);
            Document document = document(name, caller);
            if (document == null) {
                throw McpError.RESOURCE_NOT_FOUND.apply(request.uri());
            }
            return McpSchema.ReadResourceResult.builder(List.of(
                    McpSchema.TextResourceContents.builder(request.uri(), document.text()).mimeType("text/markdown").build())).build();
        }));
    }

    /**
     * A skill's {@code SKILL.md} as served: its text, and its skills-extension entry (front matter,
     * digest, size), made once per skill version.
     */
    record Document(String uri, String text, Map<String, Object> entry) {

        static Document of(String uri, String text, JsonNode frontMatter) {
            Map<String, Object> file = new LinkedHashMap<>();
            file.put("uri", uri);
            file.put("digest", "sha256:" + ContentHash.of(text));
            file.put("size", text.getBytes(StandardCharsets.UTF_8).length);
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("uri", uri);
            entry.put("frontmatter", JSON.convertValue(frontMatter, MAP));
            entry.put("resources", List.of(file));
            return new Document(uri, text, entry);
        }
    }

    /** The {@code SKILL.md} of the skill {@code name}; null when there is none the caller may see. */
    Document document(String name, Principal caller) {
        SkillManifest skill = registry.get(name).orElse(null);
        if (skill == null || !SkillRegistry.allowed(skill, caller)) {
            return null;
        }
        // By content hash: an edit makes a new version, so the file is read once per version, not per request.
        Document document = documents.get(skill.contentHash());
        if (document == null) {
            document = read(skill);
            if (document != null) {
                documents.put(skill.contentHash(), document);
            }
        }
        return document;
    }

    private static Document read(SkillManifest skill) {
        if (skill.folder() == null) {
            // A plugin's skill has no file: its SKILL.md is written from its definition.
            ObjectNode front = JSON.createObjectNode().put("name", skill.name()).put("description", skill.description());
            String text = "---\nname: " + yamlString(skill.name()) + "\ndescription: " + yamlString(skill.description()) + "\n---\n\n"
                    + (skill.documentation() == null ? "" : skill.documentation()) + "\n";
            return Document.of(uri(skill), text, front);
        }
        try {
            String text = Files.readString(skill.folder().resolve(SkillManifestParser.FILE), StandardCharsets.UTF_8).replace("\r\n", "\n");
            return Document.of(uri(skill), text, SkillManifestParser.frontMatter(text));
        } catch (IOException | SkillFormatException e) {
            return null;
        }
    }

    private static String yamlString(String value) {
        return JSON.writeValueAsString(value == null ? "" : value);
    }

    /** {@code skills/list}: every skill the caller may use. */
    Object list(Map<String, Object> params, Principal caller) {
        List<Map<String, Object>> entries = new ArrayList<>();
        for (SkillManifest skill : registry.list()) {
            Document document = document(skill.name(), caller);
            if (document != null) {
                entries.add(document.entry());
            }
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("skills", entries);
        return result;
    }

    /** {@code skills/get}: the entry of the skill {@code params.uri} names; -32602 when it names none the caller may use. */
    Object get(Map<String, Object> params, Principal caller) {
        Object uri = params.get("uri");
        String name = uri instanceof String text && text.startsWith("skill://") && text.endsWith("/SKILL.md")
                ? text.substring("skill://".length(), text.length() - "/SKILL.md".length()) : null;
        Document document = name == null ? null : document(name, caller);
        if (document == null || !document.uri().equals(uri)) {
            throw McpError.builder(McpSchema.ErrorCodes.INVALID_PARAMS).message("Invalid params: no skill at " + uri).build();
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("skill", document.entry());
        return result;
    }
}
