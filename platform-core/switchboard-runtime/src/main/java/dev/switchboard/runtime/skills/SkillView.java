package dev.switchboard.runtime.skills;

/**
 * A skill as the registry lists it: known from its {@code SKILL.md} at once, and whether its code
 * is ready to run.
 *
 * @param reason why it failed to load; null unless {@link Status#FAILED}
 */
public record SkillView(SkillManifest manifest, Status status, String reason) {

    /** Where a skill is between its {@code SKILL.md} being read and its code taking calls. */
    public enum Status {
        /** Its runtime is preparing its code (a Python skill: contexts created and warmed). Calls wait for it. */
        LOADING,
        /** Takes calls. */
        READY,
        /** Its code could not be prepared; calls are answered 503 with the reason until the folder changes. */
        FAILED;

        /** As the APIs spell it: {@code loading}, {@code ready}, {@code failed}. */
        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public String name() {
        return manifest.name();
    }
}
