package dev.switchboard.api;

import tools.jackson.databind.JsonNode;

import java.util.List;

/**
 * JSON Schema validation as the host does it for skills and configuration, for a plugin's own
 * schemas (a request validator, an event payload check): the same dialects, and violations in
 * the same shape, a JSON pointer into the instance and an English message. Usable from any
 * thread, at any time; a compiled schema is immutable and thread-safe.
 *
 * @since 0.1.0
 */
public interface Schemas {

    /** The JSON Schema drafts the host validates; a schema's {@code $schema} picks one, else the caller's default. */
    enum Dialect { DRAFT_4, DRAFT_6, DRAFT_7, DRAFT_2019_09, DRAFT_2020_12 }

    /**
     * Compiles a schema; draft 2020-12 unless its {@code $schema} names another draft.
     *
     * @throws IllegalArgumentException when it is not a usable schema, saying why
     */
    default JsonSchema compile(JsonNode schema) {
        return compile(schema, Dialect.DRAFT_2020_12);
    }

    /**
     * Compiles a schema in {@code undeclared} unless its {@code $schema} names a draft.
     *
     * @throws IllegalArgumentException when it is not a usable schema, saying why
     */
    JsonSchema compile(JsonNode schema, Dialect undeclared);

    /** A compiled schema. */
    interface JsonSchema {

        /** Every way {@code instance} breaks the schema; empty when it conforms. */
        List<Violation> validate(JsonNode instance);
    }

    /**
     * One violation.
     *
     * @param pointer the RFC 6901 JSON pointer of the offending value, {@code ""} for the instance
     *                itself; for a missing or unexpected property, the property's own pointer
     *                ({@code /name})
     * @param message what is wrong, in English
     */
    record Violation(String pointer, String message) {

        /** {@code /pointer: message}, the host's one-line form ({@code /} for the instance itself). */
        @Override
        public String toString() {
            return (pointer.isEmpty() ? "/" : pointer) + ": " + message;
        }

        /** The same violation under another location, e.g. {@code /body} for a request body's schema. */
        public Violation under(String prefix) {
            return new Violation(prefix + pointer, message);
        }
    }
}
