package dev.switchboard.runtime.skills;

import com.fasterxml.jackson.annotation.JsonInclude;
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
 * {@code GET /admin/skills}: every skill known (loading, ready or failed), whoever may call it, and every skill folder or
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

    /**
     * A skill as {@code GET /admin/skills} lists it; {@code source} is {@code folder <name>} or
     * {@code plugin}; {@code state} is {@code loading}, {@code ready} or {@code failed}, with the
     * {@code reason} when failed.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record SkillEntry(String name, String version, String runtime, String source, String contentHash, Set<String> roles,
                             String state, String reason) {
    }

    @GET
    public Map<String, Object> list() {
        List<SkillEntry> loaded = new ArrayList<>();
        for (SkillView view : registry.views()) {
            SkillManifest skill = view.manifest();
            loaded.add(new SkillEntry(skill.name(), skill.version(), skill.runtime().name().toLowerCase(),
                    skill.folder() != null ? "folder " + skill.folder().getFileName() : "plugin", skill.contentHash(),
                    skill.roles(), view.status().label(), view.reason()));
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("skills", loaded);
        answer.put("rejected", registry.rejected());
        answer.put("runtimes", registry.runtimes());
        return answer;
    }
}
