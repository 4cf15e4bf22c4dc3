package dev.switchboard.plugins.kong;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The ranges of the kong section's durations, which the schema's pattern cannot express. */
class KongConfigTest {

    private static KongConfig config(Duration clockSkew, Duration adminTimeout, Duration accessTtl, KongConfig.Jwks... jwks) {
        return new KongConfig("", true, "sub", "roles", "permissions", clockSkew, List.of(),
                new KongConfig.Tokens(false, "", accessTtl, Duration.ofDays(14)), "", adminTimeout, List.of(jwks), 10_000);
    }

    @Test
    void theDefaultsAreInRange() {
        KongConfig defaults = config(Duration.ZERO, Duration.ofSeconds(1), Duration.ofMinutes(15),
                new KongConfig.Jwks("iss", "https://idp", "students", Duration.ofMinutes(10), Duration.ofSeconds(2)));
        assertThat(defaults.check()).isSameAs(defaults);
    }

    @Test
    void aDurationOutOfRangeIsRefusedWithItsKey() {
        assertThatThrownBy(() -> config(Duration.ZERO, Duration.ZERO, Duration.ofMinutes(15)).check())
                .hasMessage("kong.admin_timeout: 0s is out of range, 100ms to 60s");
        assertThatThrownBy(() -> config(Duration.ofMinutes(11), Duration.ofSeconds(1), Duration.ofMinutes(15)).check())
                .hasMessage("kong.clock_skew: 11m is out of range, 0s to 10m");
        assertThatThrownBy(() -> config(Duration.ZERO, Duration.ofSeconds(1), Duration.ofMinutes(15),
                new KongConfig.Jwks("iss", "https://idp", "students", Duration.ofSeconds(5), Duration.ofSeconds(2))).check())
                .hasMessage("kong.jwks[0].refresh: 5s is out of range, 10s to 24h");
    }

    @Test
    void jwtTimesAreWholeSeconds() {
        assertThatThrownBy(() -> config(Duration.ZERO, Duration.ofSeconds(1), Duration.ofMillis(90_500)).check())
                .hasMessage("kong.tokens.access_ttl: 90500ms is not a whole number of seconds (JWT times are in seconds)");
    }
}
