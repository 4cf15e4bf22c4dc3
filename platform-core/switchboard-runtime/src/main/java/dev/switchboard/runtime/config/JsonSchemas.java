package dev.switchboard.runtime.config;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import com.networknt.schema.path.NodePath;
import dev.switchboard.api.Schemas;
import tools.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The host's JSON Schema service (networknt's validator): skills' input and output schemas, and
 * plugins' schemas through {@link dev.switchboard.api.Platform#schemas()}. One registry per
 * default dialect; registries and compiled schemas are thread-safe.
 */
public final class JsonSchemas implements Schemas {

    public static final JsonSchemas INSTANCE = new JsonSchemas();

    private final Map<Dialect, SchemaRegistry> registries = new EnumMap<>(Dialect.class);

    private JsonSchemas() {
        for (Dialect dialect : Dialect.values()) {
            registries.put(dialect, SchemaRegistry.withDefaultDialect(switch (dialect) {
                case DRAFT_4 -> SpecificationVersion.DRAFT_4;
                case DRAFT_6 -> SpecificationVersion.DRAFT_6;
                case DRAFT_7 -> SpecificationVersion.DRAFT_7;
                case DRAFT_2019_09 -> SpecificationVersion.DRAFT_2019_09;
                case DRAFT_2020_12 -> SpecificationVersion.DRAFT_2020_12;
            }));
        }
    }

    @Override
    public JsonSchema compile(JsonNode document, Dialect undeclared) {
        if (document == null || !(document.isObject() || document.isBoolean())) {
            throw new IllegalArgumentException("not a JSON schema: a schema is an object or a boolean");
        }
        try {
            Schema schema = registries.get(undeclared).getSchema(document);
            schema.initializeValidators();
            return instance -> violations(schema, instance);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("not a valid JSON schema: " + e.getMessage(), e);
        }
    }

    private static List<Violation> violations(Schema schema, JsonNode instance) {
        List<Error> errors = schema.validate(instance, context -> context.executionConfig(config -> config.locale(Locale.ENGLISH)));
        List<Violation> violations = new ArrayList<>(errors.size());
        for (Error error : errors) {
            String pointer = pointer(error.getInstanceLocation());
            if (("required".equals(error.getKeyword()) || "additionalProperties".equals(error.getKeyword())) && error.getProperty() != null) {
                pointer = pointer + "/" + escape(error.getProperty());
            }
            violations.add(new Violation(pointer, error.getMessage()));
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
