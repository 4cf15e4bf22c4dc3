package dev.switchboard.api;

/**
 * A health check a plugin contributes; {@code /health/ready} runs it (with a time limit) and
 * reports the result under the plugin. Throwing, or running past the limit, reports
 * {@link Health.Status#DOWN} with the reason.
 *
 * @since 0.1.0
 */
@FunctionalInterface
public interface HealthCheck {

    Health check() throws Exception;
}
