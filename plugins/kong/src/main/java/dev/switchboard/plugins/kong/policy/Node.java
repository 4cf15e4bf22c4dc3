package dev.switchboard.plugins.kong.policy;

import tools.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/** A node of the policy file with its path, so that every error can say where it is. */
record Node(JsonNode json, String path) {

    static Node root(JsonNode json) {
        return new Node(json, "");
    }

    /** The named field; a missing one (or any field of a missing or non-object node) is a null node. */
    Node field(String name) {
        return new Node(json != null && json.isObject() ? json.get(name) : null, path.isEmpty() ? name : path + "." + name);
    }

    boolean has(String name) {
        return !field(name).isNull();
    }

    boolean isNull() {
        return json == null || json.isNull();
    }

    /** This node, or an empty object where it is absent (a plugin entry without {@code config}: every default). */
    Node orEmpty() {
        return isNull() ? new Node(tools.jackson.databind.node.JsonNodeFactory.instance.objectNode(), path) : this;
    }

    PolicyException error(String message) {
        return new PolicyException((path.isEmpty() ? "" : path + ": ") + message);
    }

    Node object() throws PolicyException {
        if (json == null || !json.isObject()) {
            throw error("expected an object");
        }
        return this;
    }

    /** Refuses any field outside {@code allowed}: a misspelt field would otherwise be a silently ignored policy. */
    Node only(Collection<String> allowed) throws PolicyException {
        object();
        for (String name : json.propertyNames()) {
            if (!allowed.contains(name)) {
                throw field(name).error("unknown field (known: " + String.join(", ", new TreeSet<>(allowed)) + ")");
            }
        }
        return this;
    }

    List<Node> items() throws PolicyException {
        if (isNull()) {
            return List.of();
        }
        if (!json.isArray()) {
            throw error("expected an array");
        }
        List<Node> items = new ArrayList<>();
        for (int i = 0; i < json.size(); i++) {
            items.add(new Node(json.get(i), path + "[" + i + "]"));
        }
        return items;
    }

    Optional<String> string() throws PolicyException {
        if (isNull()) {
            return Optional.empty();
        }
        if (!json.isString()) {
            throw error("expected a string");
        }
        return Optional.of(json.asString());
    }

    String string(String fallback) throws PolicyException {
        return string().orElse(fallback);
    }

    String requiredString() throws PolicyException {
        String value = string().orElseThrow(() -> error("required field missing"));
        if (value.isBlank()) {
            throw error("must not be empty");
        }
        return value;
    }

    boolean bool(boolean fallback) throws PolicyException {
        if (isNull()) {
            return fallback;
        }
        if (!json.isBoolean()) {
            throw error("expected true or false");
        }
        return json.asBoolean();
    }

    Optional<Double> number() throws PolicyException {
        if (isNull()) {
            return Optional.empty();
        }
        if (!json.isNumber()) {
            throw error("expected a number");
        }
        return Optional.of(json.asDouble());
    }

    Optional<Long> integer(long min, long max) throws PolicyException {
        Optional<Double> number = number();
        if (number.isEmpty()) {
            return Optional.empty();
        }
        double value = number.get();
        if (value != Math.rint(value) || value < min || value > max) {
            throw error("expected a whole number from " + min + " to " + max + ", got " + json.asString());
        }
        return Optional.of((long) value);
    }

    List<String> strings(List<String> fallback) throws PolicyException {
        if (isNull()) {
            return fallback;
        }
        List<String> values = new ArrayList<>();
        for (Node item : items()) {
            values.add(item.string().orElseThrow(() -> item.error("expected a string")));
        }
        return List.copyOf(values);
    }

    String oneOf(String fallback, Set<String> allowed) throws PolicyException {
        String value = string(fallback);
        if (!allowed.contains(value)) {
            throw error("expected one of " + String.join(", ", new TreeSet<>(allowed)) + ", got '" + value + "'");
        }
        return value;
    }
}
