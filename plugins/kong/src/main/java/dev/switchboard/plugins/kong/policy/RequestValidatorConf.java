package dev.switchboard.plugins.kong.policy;

import dev.switchboard.api.Schemas;
import dev.switchboard.api.Schemas.JsonSchema;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The {@code config} of a {@code request-validator} plugin entry, Kong Enterprise's field names:
 * a JSON Schema for the body ({@code body_schema}), one per parameter ({@code parameter_schema}:
 * query, header or path), the allowed content types. Schemas are JSON Schema draft 4 unless their
 * {@code $schema} names another draft ({@code version: draft4}); Kong's own schema language
 * ({@code version: kong}) is not supported.
 */
public record RequestValidatorConf(JsonSchema bodySchema, List<Parameter> parameters, List<String> allowedContentTypes)
        implements PluginConf {

    /** One {@code parameter_schema} entry. */
    public record Parameter(String name, String in, boolean required, JsonSchema schema, JsonNode schemaDocument) {
    }

    static final Set<String> FIELDS = Set.of("body_schema", "parameter_schema", "allowed_content_types", "version", "verbose_response",
            "content_type_parameter_validation");
    private static final Set<String> PARAMETER_FIELDS = Set.of("name", "in", "required", "style", "explode", "schema");
    private static final JsonMapper JSON = JsonMapper.builder().build();

    static RequestValidatorConf parse(Node config, Schemas schemas) throws PolicyException {
        config.only(FIELDS);
        String version = config.field("version").string("kong");
        if (!version.equals("draft4")) {
            throw config.field("version").error("'" + version + "' is Kong's own schema language, which Switchboard does not run: "
                    + "write the schemas in JSON Schema and set version: draft4");
        }
        JsonSchema body = config.field("body_schema").isNull() ? null : compile(config.field("body_schema"), schemas);
        List<Parameter> parameters = new ArrayList<>();
        for (Node parameter : config.field("parameter_schema").items()) {
            parameter.only(PARAMETER_FIELDS);
            String in = parameter.field("in").oneOf("query", Set.of("query", "header", "path"));
            Node schema = parameter.field("schema");
            JsonNode document = schema.isNull() ? null : json(schema);
            parameters.add(new Parameter(parameter.field("name").requiredString(), in, parameter.field("required").bool(false),
                    document == null ? null : compile(schema, document, schemas), document));
        }
        if (body == null && parameters.isEmpty()) {
            throw config.error("needs body_schema or parameter_schema");
        }
        List<String> types = new ArrayList<>();
        for (String type : config.field("allowed_content_types").strings(List.of("application/json"))) {
            types.add(type.toLowerCase(Locale.ROOT).replace(" ", ""));
        }
        return new RequestValidatorConf(body, List.copyOf(parameters), List.copyOf(types));
    }

    private static JsonSchema compile(Node node, Schemas schemas) throws PolicyException {
        return compile(node, json(node), schemas);
    }

    /** A schema written as a JSON string (Kong's way) or, for readability, as YAML/JSON structure. */
    private static JsonNode json(Node node) throws PolicyException {
        if (node.json().isObject() || node.json().isBoolean()) {
            return node.json();
        }
        String text = node.string().orElseThrow();
        try {
            return JSON.readTree(text);
        } catch (RuntimeException e) {
            throw node.error("not a JSON schema: the text is not JSON");
        }
    }

    private static JsonSchema compile(Node node, JsonNode document, Schemas schemas) throws PolicyException {
        try {
            return schemas.compile(document, Schemas.Dialect.DRAFT_4);
        } catch (IllegalArgumentException e) {
            throw node.error(e.getMessage());
        }
    }

    @Override
    public String name() {
        return "request-validator";
    }
}
