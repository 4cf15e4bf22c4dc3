package dev.switchboard.plugins.kong.policy;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The {@code config} of a Kong {@code jwt} plugin entry, with Kong 3.9's defaults.
 *
 * @param maximumExpiration seconds; 0 means no maximum
 * @param realm             the {@code realm} of the {@code WWW-Authenticate} challenge, or null
 */
public record JwtConf(List<String> uriParamNames, List<String> cookieNames, List<String> headerNames, String keyClaimName,
                      boolean secretIsBase64, Set<String> claimsToVerify, String anonymous, boolean runOnPreflight,
                      double maximumExpiration, String realm) implements PluginConf {

    static final Set<String> FIELDS = Set.of("uri_param_names", "cookie_names", "header_names", "key_claim_name", "secret_is_base64",
            "claims_to_verify", "anonymous", "run_on_preflight", "maximum_expiration", "realm");

    static JwtConf parse(Node entry) throws PolicyException {
        Node config = entry.orEmpty().only(FIELDS);
        List<String> claims = config.field("claims_to_verify").strings(List.of());
        for (String claim : claims) {
            if (!claim.equals("exp") && !claim.equals("nbf")) {
                throw config.field("claims_to_verify").error("expected exp or nbf, got '" + claim + "'");
            }
        }
        double maximum = config.field("maximum_expiration").number().orElse(0.0);
        if (maximum < 0 || maximum > 31_536_000) {
            throw config.field("maximum_expiration").error("expected 0 to 31536000 seconds");
        }
        if (maximum > 0 && !claims.contains("exp")) {
            throw config.field("maximum_expiration").error("needs 'exp' in claims_to_verify (as in Kong)");
        }
        return new JwtConf(
                config.field("uri_param_names").strings(List.of("jwt")),
                config.field("cookie_names").strings(List.of()),
                config.field("header_names").strings(List.of("authorization")),
                config.field("key_claim_name").string("iss"),
                config.field("secret_is_base64").bool(false),
                Set.copyOf(claims),
                config.field("anonymous").string().filter(s -> !s.isEmpty()).orElse(null),
                config.field("run_on_preflight").bool(true),
                maximum,
                config.field("realm").string().orElse(null));
    }

    public Optional<String> anonymousConsumer() {
        return Optional.ofNullable(anonymous);
    }

    @Override
    public String name() {
        return "jwt";
    }
}
