package dev.switchboard.runtime.skills;

import java.util.List;

/** A skill folder whose {@code SKILL.md} cannot be used; each problem names the key it is about. */
public final class SkillFormatException extends Exception {

    private static final long serialVersionUID = 1L;

    private final transient List<String> problems;

    public SkillFormatException(List<String> problems) {
        super(String.join("; ", problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
