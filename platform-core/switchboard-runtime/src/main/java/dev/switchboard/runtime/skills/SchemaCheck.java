package dev.switchboard.runtime.skills;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import com.networknt.schema.path.NodePath;
import tools.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** A skill's input or output schema, compiled once; violations come back as {@code /json/pointer: message}. */
final class SchemaCheck {

    private static final SchemaRegistry REGISTRY = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);

    private final Schema schema;

    private SchemaCheck(Schema schema) {
        this.schema = schema;
    }

    static SchemaCheck of(JsonNode document) {
        return new SchemaCheck(REGISTRY.getSchema(document));
    }

    List<String> violations(JsonNode instance) {
        List<Error> errors = schema.validate(instance, context -> context.executionConfig(config -> config.locale(Locale.ENGLISH)));
        List<String> violations = new ArrayList<>(errors.size());
        for (Error error : errors) {
            String pointer = pointer(error.getInstanceLocation());
            if (("required".equals(error.getKeyword()) || "additionalProperties".equals(error.getKeyword())) && error.getProperty() != null) {
                pointer = pointer + "/" + escape(error.getProperty());
            }
            violations.add((pointer.isEmpty() ? "/" : pointer) + ": " + error.getMessage());
        }
        return violations;
    }

    private static String pointer(NodePath path) {
        StringBuilder pointer = new StringBuilder();
        if (path != null) {
            for (int i = 0; i < path.getNameCount(); i++) {
                pointer.append('/').append(escape(String.valueOf(path.getElement(i))));
            }
        }
        return pointer.toString();
    }

    private static String escape(String token) {
        return token.replace("~", "~0").replace("/", "~1");
    }
}
