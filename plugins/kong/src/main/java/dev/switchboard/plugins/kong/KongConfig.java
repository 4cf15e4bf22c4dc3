package dev.switchboard.plugins.kong;

/**
 * The {@code kong:} section of {@code switchboard.yaml}; keys, defaults and explanations are in
 * {@code META-INF/switchboard/config.schema.json} and docs/kong.md.
 */
public record KongConfig(String declarativeConfig, boolean watch, String subjectClaim, String rolesClaim, String permissionsClaim,
                         int clockSkew, java.util.List<String> trustedProxies, Tokens tokens, String adminUrl, int adminTimeout,
                         java.util.List<Jwks> jwks, int verifiedTokenCache) {

    /** One entry of {@code kong.jwks}: an identity provider's key set, for tokens whose key claim is {@code key}. */
    public record Jwks(String key, String uri, String consumer, int refresh, int timeout) {
    }

    /** {@code kong.tokens}: the embedded token endpoints. */
    public record Tokens(boolean enabled, String credential, int accessTtl, int refreshTtl) {
    }
}
