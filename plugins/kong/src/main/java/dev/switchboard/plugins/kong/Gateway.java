package dev.switchboard.plugins.kong;

import dev.switchboard.api.GatewayExchange;
import dev.switchboard.plugins.kong.jwt.KongJwt;
import dev.switchboard.plugins.kong.jwt.VerifiedTokens;
import dev.switchboard.plugins.kong.policy.Policy;

import java.time.Clock;
import java.util.Optional;

/**
 * What one plugin version's filters share: the policy in force (and each request's match against
 * it), and the parts that keep state across requests: the rate-limit counters, the trusted proxies,
 * the identity providers' key sets, the verified-token cache; with the configuration and the clock.
 * A reload of the policy file swaps the policy under it, while requests already inside the chain
 * finish with the one they matched.
 */
final class Gateway {

    /** The request attribute holding the request's {@link Policy.Match}, computed once per request. */
    static final String MATCH = "kong.match";
    /** The request attribute holding the authenticated {@code Consumer}. */
    static final String CONSUMER = "kong.consumer";
    /** The request attribute holding the {@code JwtCredential} that authenticated the request. */
    static final String CREDENTIAL = "kong.credential";
    /** The request attribute set when a trusted Kong in front authenticated the request. */
    static final String PROXY_AUTHENTICATED = "kong.proxy-authenticated";

    final KongConfig config;
    final Clock clock;
    final VerifiedTokens verifiedTokens;
    final RateLimitCounters counters;
    private final PolicySource source;
    final TrustedProxies trustedProxies;
    final IdentityProviders identityProviders = new IdentityProviders();

    /** @param source the policy file, or null when none is configured (every request passes) */
    Gateway(KongConfig config, PolicySource source, RateLimitCounters counters, Clock clock) {
        this.config = config;
        this.source = source;
        this.counters = counters;
        this.clock = clock;
        this.verifiedTokens = new VerifiedTokens(config.verifiedTokenCache());
        this.trustedProxies = new TrustedProxies(config.trustedProxies());
    }

    Optional<PolicySource> source() {
        return Optional.ofNullable(source);
    }

    /** The policy in force, if any. */
    Optional<Policy> policy() {
        return source == null ? Optional.empty() : Optional.ofNullable(source.state().policy());
    }

    /** The plugins that apply to this request; the first filter to ask fixes it for the whole request. */
    Optional<Policy.Match> match(GatewayExchange exchange) {
        Optional<Object> attached = exchange.attribute(MATCH);
        if (attached.isPresent()) {
            return Optional.of((Policy.Match) attached.get());
        }
        Optional<Policy.Match> match = policy().map(policy -> policy.match(exchange));
        match.ifPresent(m -> exchange.setAttribute(MATCH, m));
        return match;
    }

    /** The key set for a key claim value, if {@code kong.jwks} names one and its consumer is in the policy. */
    Optional<KongJwt.ExternalKeys> externalKeys(String keyClaim) {
        return policy().flatMap(policy -> identityProviders.keysFor(keyClaim, policy));
    }

    void close() {
        identityProviders.close();
        counters.close();
        if (source != null) {
            source.close();
        }
    }
}
