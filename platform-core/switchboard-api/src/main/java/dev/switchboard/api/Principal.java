package dev.switchboard.api;

import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Who a request comes from, as an {@link Authenticator} established it: the host decides from it
 * what the request may see and do (which events a stream delivers, who may publish, ...).
 *
 * @param id         a stable identifier, e.g. the student id an event's {@code subject} names
 * @param roles      role names, e.g. {@code instructor}, {@code publisher}, {@code admin}
 * @param attributes further facts (consumer name, credential id, ...); strings only, so that a
 *                   principal never keeps a plugin's classes alive after the plugin is swapped
 * @since 0.1.0
 */
public record Principal(String id, Set<String> roles, Map<String, String> attributes) {

    public Principal {
        Objects.requireNonNull(id, "id");
        if (id.isBlank()) {
            throw new IllegalArgumentException("a principal needs a non-blank id");
        }
        roles = roles == null ? Set.of() : Set.copyOf(roles);
        attributes = attributes == null ? Map.of() : Map.copyOf(attributes);
    }

    public Principal(String id, Set<String> roles) {
        this(id, roles, Map.of());
    }

    public boolean hasRole(String role) {
        return roles.contains(role);
    }
}
