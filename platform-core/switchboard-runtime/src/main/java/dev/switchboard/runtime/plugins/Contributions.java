package dev.switchboard.runtime.plugins;

import dev.switchboard.api.Authenticator;
import dev.switchboard.api.GatewayFilter;
import dev.switchboard.api.HealthCheck;
import dev.switchboard.runtime.skills.PluginSkill;

import java.util.List;
import java.util.Map;

/**
 * What one plugin version contributed while it started: its JAX-RS components, gateway filters,
 * authenticators, skills and health checks. Fixed once {@code start} returns; it lives and dies with the version.
 */
record Contributions(List<Object> jaxrs, List<GatewayFilter> filters, List<Authenticator> authenticators,
                     List<PluginSkill> skills, Map<String, HealthCheck> healthChecks) {

    static final Contributions NONE = new Contributions(List.of(), List.of(), List.of(), List.of(), Map.of());

    Contributions {
        jaxrs = List.copyOf(jaxrs);
        filters = List.copyOf(filters);
        authenticators = List.copyOf(authenticators);
        skills = List.copyOf(skills);
        healthChecks = Map.copyOf(healthChecks);
    }
}
