package dev.switchboard.plugins.kong;

/**
 * The {@code kong:} section of {@code switchboard.yaml}; keys, defaults and explanations are in
 * {@code META-INF/switchboard/config.schema.json} and docs/kong.md.
 */
public record KongConfig(String declarativeConfig, boolean watch, String subjectClaim, String rolesClaim, String permissionsClaim,
                         int clockSkew, java.util.List<String> trustedProxies, Tokens tokens) {

    /** {@code kong.tokens}: the embedded token endpoints. */
    public record Tokens(boolean enabled, String credential, int accessTtl, int refreshTtl) {
    }
}
