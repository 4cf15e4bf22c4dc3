package dev.switchboard.runtime.config;

import dev.switchboard.api.Schemas;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The schema service plugins get: the host's dialects and its violation shape. */
class JsonSchemasTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static JsonNode json(String text) {
        return JSON.readTree(text);
    }

    @Test
    void violationsPointAtTheOffendingValueAndAtMissingOrUnexpectedProperties() {
        Schemas.JsonSchema schema = JsonSchemas.INSTANCE.compile(json("""
                {"type":"object","required":["name"],"additionalProperties":false,
                 "properties":{"name":{"type":"string"},"tags":{"type":"array","items":{"type":"integer"}}}}"""));
        assertThat(schema.validate(json("{\"name\":\"a\",\"tags\":[1,2]}"))).isEmpty();
        assertThat(schema.validate(json("{\"tags\":[1,\"x\"],\"a/b\":1}"))).extracting(Schemas.Violation::pointer)
                .containsExactlyInAnyOrder("/name", "/tags/1", "/a~1b");
        assertThat(schema.validate(json("[]"))).singleElement()
                .satisfies(v -> assertThat(v.toString()).startsWith("/: "));
    }

    @Test
    void theDefaultDialectAppliesOnlyWhenTheSchemaNamesNone() {
        // exclusiveMaximum is a boolean in draft 4 and a number from draft 6 on.
        JsonNode draft4 = json("{\"type\":\"number\",\"maximum\":10,\"exclusiveMaximum\":true}");
        assertThat(JsonSchemas.INSTANCE.compile(draft4, Schemas.Dialect.DRAFT_4).validate(json("10"))).hasSize(1);
        JsonNode declared = json("{\"$schema\":\"https://json-schema.org/draft/2020-12/schema\",\"type\":\"number\",\"exclusiveMaximum\":10}");
        assertThat(JsonSchemas.INSTANCE.compile(declared, Schemas.Dialect.DRAFT_4).validate(json("10"))).hasSize(1);
        assertThat(JsonSchemas.INSTANCE.compile(declared, Schemas.Dialect.DRAFT_4).validate(json("9"))).isEmpty();
    }

    @Test
    void aDocumentThatIsNoSchemaIsRefusedWithTheReason() {
        assertThatThrownBy(() -> JsonSchemas.INSTANCE.compile(json("[1]")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("not a JSON schema");
        assertThatThrownBy(() -> JsonSchemas.INSTANCE.compile(json("{\"type\":\"object\",\"properties\":{\"a\":{\"$ref\":\"#/nowhere\"}}}")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("not a valid JSON schema");
    }

    @Test
    void aViolationMovesUnderAPrefix() {
        assertThat(new Schemas.Violation("/age", "must be an integer").under("/body"))
                .isEqualTo(new Schemas.Violation("/body/age", "must be an integer"));
    }
}
