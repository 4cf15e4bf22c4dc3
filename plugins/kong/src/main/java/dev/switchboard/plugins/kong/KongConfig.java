package dev.switchboard.plugins.kong;

import java.time.Duration;
import java.util.List;

/**
 * The {@code kong:} section of {@code switchboard.yaml}; keys, defaults and explanations are in
 * {@code META-INF/switchboard/config.schema.json} and docs/kong.md. Times are durations
 * ({@code 2s}, {@code 10m}), as everywhere in {@code switchboard.yaml}; {@link #check()} refuses
 * those out of range, naming the key.
 */
public record KongConfig(String declarativeConfig, boolean watch, String subjectClaim, String rolesClaim, String permissionsClaim,
                         Duration clockSkew, List<String> trustedProxies, Tokens tokens, String adminUrl, Duration adminTimeout,
                         List<Jwks> jwks, int verifiedTokenCache) {

    /** One entry of {@code kong.jwks}: an identity provider's key set, for tokens whose key claim is {@code key}. */
    public record Jwks(String key, String uri, String consumer, Duration refresh, Duration timeout) {
    }

    /** {@code kong.tokens}: the embedded token endpoints. */
    public record Tokens(boolean enabled, String credential, Duration accessTtl, Duration refreshTtl) {
    }

    /**
     * Checks the ranges the schema cannot express for durations.
     *
     * @throws IllegalArgumentException naming the first key out of range
     */
    KongConfig check() {
        within("kong.clock_skew", clockSkew, Duration.ZERO, Duration.ofMinutes(10), true);
        within("kong.admin_timeout", adminTimeout, Duration.ofMillis(100), Duration.ofSeconds(60), false);
        within("kong.tokens.access_ttl", tokens.accessTtl(), Duration.ofSeconds(10), Duration.ofHours(24), true);
        within("kong.tokens.refresh_ttl", tokens.refreshTtl(), Duration.ofMinutes(1), Duration.ofDays(90), true);
        for (int i = 0; i < jwks.size(); i++) {
            within("kong.jwks[" + i + "].refresh", jwks.get(i).refresh(), Duration.ofSeconds(10), Duration.ofHours(24), false);
            within("kong.jwks[" + i + "].timeout", jwks.get(i).timeout(), Duration.ofMillis(100), Duration.ofSeconds(60), false);
        }
        return this;
    }

    private static void within(String key, Duration value, Duration min, Duration max, boolean wholeSeconds) {
        if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
            throw new IllegalArgumentException(key + ": " + text(value) + " is out of range, " + text(min) + " to " + text(max));
        }
        if (wholeSeconds && value.toMillisPart() != 0) {
            throw new IllegalArgumentException(key + ": " + text(value) + " is not a whole number of seconds (JWT times are in seconds)");
        }
    }

    /** As {@code switchboard.yaml} would say it: {@code 250ms}, {@code 60s}, {@code 10m}, {@code 24h}. */
    private static String text(Duration duration) {
        long seconds = duration.toSeconds();
        if (duration.toMillisPart() != 0) {
            return duration.toMillis() + "ms";
        }
        if (seconds >= 3600 && seconds % 3600 == 0) {
            return seconds / 3600 + "h";
        }
        return seconds >= 600 && seconds % 60 == 0 ? seconds / 60 + "m" : seconds + "s";
    }
}
