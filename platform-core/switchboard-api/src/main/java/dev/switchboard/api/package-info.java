/**
 * The Switchboard plugin API: what a plugin compiles against ({@code provided} scope).
 *
 * <p>A plugin implements {@link dev.switchboard.api.SwitchboardPlugin} and, from its
 * {@code start} method, contributes through {@link dev.switchboard.api.Platform}:
 * JAX-RS resources and providers scoped to the plugin, {@link dev.switchboard.api.GatewayFilter
 * gateway filters} with a priority, {@link dev.switchboard.api.Authenticator authenticators} that
 * turn credentials into a {@link dev.switchboard.api.Principal}, and
 * {@link dev.switchboard.api.HealthCheck health checks}. It publishes
 * {@link dev.switchboard.api.Event events} to browsers' streams through
 * {@link dev.switchboard.api.Platform#events()}. Later versions add skills as a further
 * contribution; existing signatures do not change within a major version.
 */
package dev.switchboard.api;
