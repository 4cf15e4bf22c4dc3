package dev.switchboard.runtime.skills;

import dev.switchboard.api.Schemas;
import dev.switchboard.runtime.config.JsonSchemas;
import tools.jackson.databind.JsonNode;

import java.util.List;

/** A skill's input or output schema, compiled once; violations come back as {@code /json/pointer: message}. */
final class SchemaCheck {

    private final Schemas.JsonSchema schema;

    private SchemaCheck(Schemas.JsonSchema schema) {
        this.schema = schema;
    }

    static SchemaCheck of(JsonNode document) {
        return new SchemaCheck(JsonSchemas.INSTANCE.compile(document));
    }

    List<String> violations(JsonNode instance) {
        return schema.validate(instance).stream().map(Schemas.Violation::toString).toList();
    }
}
