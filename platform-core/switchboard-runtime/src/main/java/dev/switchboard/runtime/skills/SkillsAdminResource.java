package dev.switchboard.runtime.skills;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

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

    /** A loaded skill as {@code GET /admin/skills} lists it; {@code source} is {@code folder <name>} or {@code plugin}. */
    public record SkillEntry(String name, String version, String runtime, String source, String contentHash, Set<String> roles) {
    }

    @GET
    public Map<String, Object> list() {
        List<SkillEntry> loaded = new ArrayList<>();
        for (SkillManifest skill : registry.list()) {
            loaded.add(new SkillEntry(skill.name(), skill.version(), skill.runtime().name().toLowerCase(),
                    skill.folder() != null ? "folder " + skill.folder().getFileName() : "plugin", skill.contentHash(),
                    skill.roles()));
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("skills", loaded);
        answer.put("rejected", registry.rejected());
        answer.put("runtimes", registry.runtimes());
        return answer;
    }
}
