package dev.switchboard.runtime.config;

import java.util.List;

/**
 * Configuration that cannot be used: a file that does not parse, an unknown key, a value of the
 * wrong type or range. Every problem names the key and where its value came from.
 */
public final class ConfigException extends RuntimeException {

    private final List<String> problems;

    public ConfigException(List<String> problems) {
        super(format(problems));
        this.problems = List.copyOf(problems);
    }

    public ConfigException(String problem) {
        this(List.of(problem));
    }

    /** One line per problem, each naming the key. */
    public List<String> problems() {
        return problems;
    }

    private static String format(List<String> problems) {
        return problems.size() == 1
                ? "Invalid configuration: " + problems.getFirst()
                : "Invalid configuration:\n  - " + String.join("\n  - ", problems);
    }
}
