package dev.switchboard.api;

import java.util.List;
import java.util.Objects;

/**
 * Why a skill call produced no output. The kinds separate the caller's mistakes from the skill's.
 *
 * @since 0.1.0
 */
public final class SkillException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** What went wrong. */
    public enum Kind {
        /** No skill has this name. */
        NOT_FOUND,
        /** The caller's roles do not include one the skill requires. */
        FORBIDDEN,
        /** The input does not match the input schema; {@link #violations()} says where. */
        INVALID_INPUT,
        /** The skill ran past its timeout and was stopped. */
        TIMEOUT,
        /** The skill raised an error. */
        FAILED,
        /** The skill returned something its output schema does not allow: the skill's fault. */
        OUTPUT_INVALID,
        /** The caller cancelled the call. */
        CANCELLED,
        /**
         * The skill is still loading (its runtime warming up) and did not become ready within the
         * host's warm-up allowance: retry shortly.
         */
        LOADING,
        /** The skill's code could not be loaded; the message says why. It stays so until its folder changes. */
        UNAVAILABLE
    }

    private final Kind kind;
    private final transient List<String> violations;

    public SkillException(Kind kind, String message) {
        this(kind, message, List.of(), null);
    }

    public SkillException(Kind kind, String message, List<String> violations, Throwable cause) {
        super(message, cause);
        this.kind = Objects.requireNonNull(kind, "kind");
        this.violations = List.copyOf(violations);
    }

    public Kind kind() {
        return kind;
    }

    /** For {@link Kind#INVALID_INPUT} and {@link Kind#OUTPUT_INVALID}: each violation, with its JSON pointer. */
    public List<String> violations() {
        return violations;
    }
}
