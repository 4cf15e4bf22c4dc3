package dev.switchboard.plugins.kong;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** What the principal takes from a token's claims: the subject and the roles (configurable claim names). */
final class Claims {

    private Claims() {
    }

    static Optional<String> subject(Map<String, Object> claims, KongConfig config) {
        return claims.get(config.subjectClaim()) instanceof String subject && !subject.isBlank() ? Optional.of(subject) : Optional.empty();
    }

    /** The roles and permissions claims' values (arrays of strings, or space-separated strings), as a mutable set. */
    static Set<String> roles(Map<String, Object> claims, KongConfig config) {
        Set<String> roles = new LinkedHashSet<>();
        addAll(roles, claims.get(config.rolesClaim()));
        addAll(roles, claims.get(config.permissionsClaim()));
        return roles;
    }

    private static void addAll(Set<String> roles, Object claim) {
        if (claim instanceof String text) {
            for (String role : text.trim().split("\\s+")) {
                if (!role.isEmpty()) {
                    roles.add(role);
                }
            }
        } else if (claim instanceof Collection<?> values) {
            for (Object value : values) {
                if (value instanceof String role && !role.isBlank()) {
                    roles.add(role);
                }
            }
        }
    }
}
