package dev.switchboard.plugins.kong.policy;

import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
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
public record RequestValidatorConf(Schema bodySchema, List<Parameter> parameters, List<String> allowedContentTypes)
        implements PluginConf {

    /** One {@code parameter_schema} entry. */
    public record Parameter(String name, String in, boolean required, Schema schema, JsonNode schemaDocument) {
    }

    static final Set<String> FIELDS = Set.of("body_schema", "parameter_schema", "allowed_content_types", "version", "verbose_response",
            "content_type_parameter_validation");
    private static final Set<String> PARAMETER_FIELDS = Set.of("name", "in", "required", "style", "explode", "schema");
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final SchemaRegistry REGISTRY = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_4);

    static RequestValidatorConf parse(Node config) throws PolicyException {
        config.only(FIELDS);
        String version = config.field("version").string("kong");
        if (!version.equals("draft4")) {
            throw config.field("version").error("'" + version + "' is Kong's own schema language, which Switchboard does not run: "
                    + "write the schemas in JSON Schema and set version: draft4");
        }
        Schema body = config.field("body_schema").isNull() ? null : schema(config.field("body_schema"));
        List<Parameter> parameters = new ArrayList<>();
        for (Node parameter : config.field("parameter_schema").items()) {
            parameter.only(PARAMETER_FIELDS);
            String in = parameter.field("in").oneOf("query", Set.of("query", "header", "path"));
            Node schema = parameter.field("schema");
            JsonNode document = schema.isNull() ? null : json(schema);
            parameters.add(new Parameter(parameter.field("name").requiredString(), in, parameter.field("required").bool(false),
                    document == null ? null : compile(schema, document), document));
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

    private static Schema schema(Node node) throws PolicyException {
        return compile(node, json(node));
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

    private static Schema compile(Node node, JsonNode document) throws PolicyException {
        try {
            Schema schema = REGISTRY.getSchema(document);
            schema.initializeValidators();
            return schema;
        } catch (RuntimeException e) {
            throw node.error("not a valid JSON schema: " + e.getMessage());
        }
    }

    @Override
    public String name() {
        return "request-validator";
    }
}
