package dev.switchboard.runtime.config;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import com.networknt.schema.path.NodePath;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The JSON Schema (2020-12) of one configuration section: the host's own keys, or a plugin's.
 *
 * <p>The schema is the single source of truth for a section: it validates values, supplies
 * defaults ({@code default}), types the strings that come from environment variables and
 * command-line flags, and documents each key ({@code description}). Local {@code $ref}s into
 * {@code $defs} are followed.
 */
public final class ConfigSchema {

    private static final SchemaRegistry REGISTRY = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /** The schema of a plugin that declares none: no keys at all. */
    public static final ConfigSchema EMPTY = of(JsonMapper.shared().createObjectNode()
            .put("type", "object").put("additionalProperties", false));

    private final JsonNode document;
    private final Schema validator;

    private ConfigSchema(JsonNode document, Schema validator) {
        this.document = document;
        this.validator = validator;
    }

    /** @throws IllegalArgumentException when {@code document} is not a usable schema for a section */
    public static ConfigSchema of(JsonNode document) {
        if (document == null || !document.isObject()) {
            throw new IllegalArgumentException("a configuration schema must be a JSON object");
        }
        try {
            return new ConfigSchema(document, REGISTRY.getSchema(document));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("invalid JSON Schema: " + e.getMessage(), e);
        }
    }

    /** Reads a schema from a stream (closed afterwards). */
    public static ConfigSchema read(InputStream in) throws IOException {
        try (in) {
            return of(JsonMapper.shared().readTree(in));
        } catch (tools.jackson.core.JacksonException e) {
            throw new IllegalArgumentException("configuration schema is not valid JSON: " + e.getOriginalMessage(), e);
        }
    }

    /** A leaf key of the section: what documentation and environment variables are made from. */
    public record Key(String path, String type, JsonNode defaultValue, String description) {
    }

    /** Every leaf key (a property that is not itself an object with properties), depth first. */
    public List<Key> keys() {
        List<Key> keys = new ArrayList<>();
        collectKeys(document, "", keys);
        return keys;
    }

    private void collectKeys(JsonNode schema, String prefix, List<Key> into) {
        JsonNode properties = resolve(schema).path("properties");
        for (Map.Entry<String, JsonNode> property : properties.properties()) {
            String path = prefix.isEmpty() ? property.getKey() : prefix + "." + property.getKey();
            JsonNode node = resolve(property.getValue());
            if (node.path("properties").isObject()) {
                collectKeys(node, path, into);
            } else {
                into.add(new Key(path, typeOf(node), property.getValue().has("default")
                        ? property.getValue().get("default") : node.get("default"),
                        property.getValue().path("description").asString(node.path("description").asString(""))));
            }
        }
    }

    /** The schema of the key at a dotted path, with a local {@code $ref} followed. */
    public Optional<JsonNode> at(String path) {
        JsonNode node = resolve(document);
        for (String segment : path.split("\\.")) {
            JsonNode next = resolve(node).path("properties").get(segment);
            if (next == null) {
                return Optional.empty();
            }
            node = next;
        }
        return Optional.of(resolve(node));
    }

    /**
     * Turns the text of an environment variable or flag into the JSON value the schema expects
     * at {@code path}: integers, numbers and booleans are parsed, arrays are comma-separated.
     *
     * @throws IllegalArgumentException naming what was expected
     */
    public JsonNode convert(String path, String text) {
        JsonNode schema = at(path).orElseThrow(() -> new IllegalArgumentException("unknown key"));
        return convert(schema, text.strip());
    }

    private JsonNode convert(JsonNode schema, String text) {
        return switch (typeOf(schema)) {
            case "integer" -> {
                try {
                    yield NODES.numberNode(Long.parseLong(text));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("must be a whole number, got '" + text + "'");
                }
            }
            case "number" -> {
                try {
                    yield NODES.numberNode(new BigDecimal(text));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("must be a number, got '" + text + "'");
                }
            }
            case "boolean" -> switch (text.toLowerCase(Locale.ROOT)) {
                case "true" -> NODES.booleanNode(true);
                case "false" -> NODES.booleanNode(false);
                default -> throw new IllegalArgumentException("must be true or false, got '" + text + "'");
            };
            case "array" -> {
                ArrayNode array = NODES.arrayNode();
                JsonNode items = resolve(schema.path("items"));
                if (!text.isEmpty()) {
                    for (String item : text.split(",")) {
                        array.add(convert(items, item.strip()));
                    }
                }
                yield array;
            }
            case "object" -> throw new IllegalArgumentException("is a section; set its keys one by one");
            default -> NODES.stringNode(text);
        };
    }

    /** A copy of {@code instance} with every missing key that has a default filled in, recursively, list items included. */
    public ObjectNode withDefaults(ObjectNode instance) {
        ObjectNode copy = instance.deepCopy();
        fillDefaults(document, copy);
        return copy;
    }

    private void fillDefaults(JsonNode schema, ObjectNode instance) {
        for (Map.Entry<String, JsonNode> property : resolve(schema).path("properties").properties()) {
            JsonNode propertySchema = resolve(property.getValue());
            JsonNode defaultValue = property.getValue().has("default") ? property.getValue().get("default") : propertySchema.get("default");
            if (!instance.has(property.getKey()) && defaultValue != null) {
                instance.set(property.getKey(), defaultValue.deepCopy());
            }
            JsonNode value = instance.get(property.getKey());
            if (value instanceof ObjectNode child && propertySchema.path("properties").isObject()) {
                fillDefaults(propertySchema, child);
            }
            // A list of objects: each item gets its own defaults (e.g. kong.jwks[].refresh).
            JsonNode itemSchema = resolve(propertySchema.path("items"));
            if (value != null && value.isArray() && itemSchema.path("properties").isObject()) {
                for (JsonNode item : value) {
                    if (item instanceof ObjectNode itemObject) {
                        fillDefaults(itemSchema, itemObject);
                    }
                }
            }
        }
    }

    /**
     * Validates a section. Each problem reads {@code <prefix><key>: <what is wrong> (<source>)},
     * where {@code sourceOf} tells where a key's value came from (a file, a variable, a flag).
     */
    public List<String> validate(JsonNode instance, String prefix, Function<String, String> sourceOf) {
        List<Error> errors = validator.validate(instance, context -> context.executionConfig(config -> config.locale(Locale.ENGLISH)));
        List<String> problems = new ArrayList<>(errors.size());
        for (Error error : errors) {
            String key = dotted(error.getInstanceLocation());
            String message;
            if ("additionalProperties".equals(error.getKeyword()) || "unevaluatedProperties".equals(error.getKeyword())) {
                key = key.isEmpty() ? error.getProperty() : key + "." + error.getProperty();
                message = "unknown key";
            } else if ("required".equals(error.getKeyword()) && error.getProperty() != null) {
                key = key.isEmpty() ? error.getProperty() : key + "." + error.getProperty();
                message = "is required but not set";
            } else if ("pattern".equals(error.getKeyword())) {
                message = describeFormat(error);
            } else {
                message = error.getMessage();
            }
            String source = sourceOf.apply(key);
            String name = key.isEmpty() ? prefix.replaceAll("\\.$", "") : prefix + key;
            problems.add((name.isEmpty() ? "(top level)" : name) + ": " + message + (source == null || source.isEmpty() ? "" : " (" + source + ")"));
        }
        return problems;
    }

    private String describeFormat(Error error) {
        String got = error.getInstanceNode() == null ? "" : error.getInstanceNode().toString();
        String pattern = error.getSchemaNode() == null ? "" : error.getSchemaNode().asString("");
        for (Map.Entry<String, JsonNode> def : document.path("$defs").properties()) {
            if (def.getValue().path("pattern").asString("").equals(pattern)) {
                return "got " + got + "; expected " + def.getValue().path("description").asString(def.getKey());
            }
        }
        return "got " + got + ", which " + error.getMessage();
    }

    private JsonNode resolve(JsonNode schema) {
        JsonNode current = schema;
        for (int hops = 0; hops < 8 && current != null && current.has("$ref"); hops++) {
            String ref = current.get("$ref").asString();
            if (!ref.startsWith("#/")) {
                break;
            }
            JsonNode target = document;
            for (String part : ref.substring(2).split("/")) {
                target = target.path(part);
            }
            current = target.isMissingNode() ? current : target;
            if (target.isMissingNode()) {
                break;
            }
        }
        return current == null ? NODES.objectNode() : current;
    }

    private static String typeOf(JsonNode schema) {
        JsonNode type = schema.get("type");
        if (type == null) {
            return schema.path("properties").isObject() ? "object" : "string";
        }
        if (type.isArray()) {
            for (JsonNode t : type) {
                if (!"null".equals(t.asString())) {
                    return t.asString();
                }
            }
        }
        return type.asString();
    }

    private static String dotted(NodePath path) {
        if (path == null) {
            return "";
        }
        StringBuilder key = new StringBuilder();
        for (int i = 0; i < path.getNameCount(); i++) {
            Object element = path.getElement(i);
            if (element instanceof Number index) {
                key.append('[').append(index).append(']');
            } else {
                if (!key.isEmpty()) {
                    key.append('.');
                }
                key.append(element);
            }
        }
        return key.toString();
    }
}
