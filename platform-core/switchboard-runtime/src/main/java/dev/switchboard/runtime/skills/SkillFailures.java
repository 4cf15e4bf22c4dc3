package dev.switchboard.runtime.skills;

import dev.switchboard.api.SkillException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the log says about a skill run that did not succeed, once per run. A caller's mistake
 * (input the skill refused, a cancelled call) is the caller's business, answered to the caller:
 * one DEBUG line, so no client can fill the log by sending bad input. A skill's own fault (it
 * raised, ran past its timeout, returned what its output schema forbids) is the operator's: one
 * WARN line saying what and where, and the whole stack trace at DEBUG.
 */
final class SkillFailures {

    private static final Logger LOG = LoggerFactory.getLogger(SkillFailures.class);

    private SkillFailures() {
    }

    static void report(String skill, SkillException failure) {
        switch (failure.kind()) {
            case INVALID_INPUT, FORBIDDEN, NOT_FOUND, CANCELLED ->
                    LOG.debug("Skill {}: {} ({})", skill, failure.getMessage(), failure.kind().name().toLowerCase(java.util.Locale.ROOT));
            case TIMEOUT -> LOG.warn("Skill {}: {}", skill, failure.getMessage());
            case OUTPUT_INVALID -> LOG.warn("Skill {}: {} {}", skill, failure.getMessage(), failure.violations());
            case FAILED -> {
                LOG.warn("{}{}", failure.getMessage(), where(failure));
                LOG.debug("Skill {} failed", skill, failure);
            }
        }
    }

    /** Where the innermost cause was raised: the skill's own line for Python ({@code <python>} frames) and Java alike. */
    private static String where(Throwable failure) {
        Throwable innermost = failure;
        while (innermost.getCause() != null && innermost.getCause() != innermost) {
            innermost = innermost.getCause();
        }
        StackTraceElement[] frames = innermost.getStackTrace();
        if (frames.length == 0 || frames[0].getFileName() == null) {
            return "";
        }
        StackTraceElement frame = frames[0];
        return " (at " + frame.getFileName() + (frame.getLineNumber() > 0 ? ":" + frame.getLineNumber() : "")
                + ", in " + frame.getMethodName() + ")";
    }
}
