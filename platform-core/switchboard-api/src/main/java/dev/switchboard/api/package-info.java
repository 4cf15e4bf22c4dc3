/**
 * The Switchboard plugin API: what a plugin compiles against ({@code provided} scope).
 *
 * <p>A plugin implements {@link dev.switchboard.api.SwitchboardPlugin} and, from its
 * {@code start} method, contributes through {@link dev.switchboard.api.Platform}:
 * JAX-RS resources and providers scoped to the plugin, {@link dev.switchboard.api.GatewayFilter
 * gateway filters} with a priority, and {@link dev.switchboard.api.HealthCheck health checks}.
 * Later versions add skills, event bridges and meters as further contributions; existing
 * signatures do not change within a major version.
 */
package dev.switchboard.api;
