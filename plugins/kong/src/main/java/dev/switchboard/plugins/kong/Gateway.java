package dev.switchboard.plugins.kong;

import dev.switchboard.api.GatewayExchange;
import dev.switchboard.plugins.kong.jwt.JwksSource;
import dev.switchboard.plugins.kong.jwt.KongJwt;
import dev.switchboard.plugins.kong.jwt.VerifiedTokens;
import dev.switchboard.plugins.kong.policy.Policy;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the plugin's filters share: the policy in force (and the match of each request against
 * it), the rate-limit counters, the identity providers' key sets, the configuration and the clock. One per plugin version; a reload of the policy file swaps the
 * policy under it, while requests already inside the chain finish with the one they matched.
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

    private final List<AddressRange> trustedProxies;

    /** @param source the policy file, or null when none is configured (every request passes) */
    Gateway(KongConfig config, PolicySource source, RateLimitCounters counters, Clock clock) {
        this.config = config;
        this.source = source;
        this.counters = counters;
        this.clock = clock;
        this.verifiedTokens = new VerifiedTokens(config.verifiedTokenCache());
        try {
            this.trustedProxies = config.trustedProxies().stream().map(AddressRange::parse).toList();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("kong.trusted_proxies: " + e.getMessage(), e);
        }
    }

    /** Whether {@code address} is one of {@code kong.trusted_proxies}. */
    boolean trustedProxy(String address) {
        for (AddressRange range : trustedProxies) {
            if (range.contains(address)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The client's address: the connection's, or behind trusted proxies the nearest address in
     * {@code X-Forwarded-For} that is not itself a trusted proxy.
     */
    String clientAddress(GatewayExchange exchange) {
        String address = exchange.remoteAddress();
        if (!trustedProxy(address)) {
            return address;
        }
        List<String> hops = new java.util.ArrayList<>();
        for (String header : exchange.headers("X-Forwarded-For")) {
            for (String hop : header.split(",")) {
                if (!hop.isBlank()) {
                    hops.add(hop.strip());
                }
            }
        }
        for (int i = hops.size() - 1; i >= 0; i--) {
            if (!trustedProxy(hops.get(i))) {
                return hops.get(i);
            }
            address = hops.get(i);
        }
        return address;
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

    /** The identity providers' key sets of {@code kong.jwks}, by key claim value, with their consumer names. */
    private final Map<String, Map.Entry<JwksSource, String>> jwks = new java.util.LinkedHashMap<>();

    void addJwks(String key, JwksSource source, String consumer) {
        jwks.put(key, Map.entry(source, consumer));
    }

    /** The key set for a key claim value, if {@code kong.jwks} names one and its consumer is in the policy. */
    Optional<KongJwt.ExternalKeys> externalKeys(String keyClaim) {
        Map.Entry<JwksSource, String> entry = jwks.get(keyClaim);
        if (entry == null) {
            return Optional.empty();
        }
        return policy().map(p -> p.consumers().get(entry.getValue())).map(consumer -> new KongJwt.ExternalKeys(entry.getKey(), consumer));
    }

    Map<String, Map.Entry<JwksSource, String>> jwks() {
        return jwks;
    }

    void close() {
        jwks.values().forEach(entry -> entry.getKey().close());
        counters.close();
        if (source != null) {
            source.close();
        }
    }
}
