package dev.switchboard.runtime.skills;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /admin/skills}: every skill loaded, whoever may call it, and every skill folder or
 * plugin skill that was skipped, with its reasons, and the state of each runtime (is GraalPy
 * started, does it run with the JIT). Guarded like all of /admin.
 */
@Path("/admin/skills")
@Produces(MediaType.APPLICATION_JSON)
public final class SkillsAdminResource {

    private final SkillRegistry registry;

    public SkillsAdminResource(SkillRegistry registry) {
        this.registry = registry;
    }

    @GET
    public Map<String, Object> list() {
        List<Map<String, Object>> loaded = new ArrayList<>();
        for (SkillManifest skill : registry.list()) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("name", skill.name());
            entry.put("version", skill.version());
            entry.put("runtime", skill.runtime().name().toLowerCase());
            entry.put("source", skill.folder() != null ? "folder " + skill.folder().getFileName() : "plugin");
            entry.put("contentHash", skill.contentHash());
            entry.put("roles", skill.roles());
            loaded.add(entry);
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("skills", loaded);
        answer.put("rejected", registry.rejected());
        answer.put("runtimes", registry.runtimes());
        return answer;
    }
}
