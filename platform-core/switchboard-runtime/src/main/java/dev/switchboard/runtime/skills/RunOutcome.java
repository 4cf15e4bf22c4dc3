package dev.switchboard.runtime.skills;

import dev.switchboard.api.SkillException;
import tools.jackson.databind.JsonNode;

/**
 * How one run of a skill ended, for every caller waiting for it. A run's future always completes
 * normally with an outcome: Caffeine logs a warning with a stack trace for every cached future
 * that fails, and a skill refusing a caller's input is no such event.
 */
sealed interface RunOutcome {

    record Output(JsonNode value) implements RunOutcome {
    }

    record Failed(SkillException failure) implements RunOutcome {
    }
}
