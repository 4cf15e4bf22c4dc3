package dev.switchboard.plugins.kong;

import dev.switchboard.plugins.kong.jwt.JwksSource;
import dev.switchboard.plugins.kong.jwt.KongJwt;
import dev.switchboard.plugins.kong.policy.Policy;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * {@code kong.jwks}: the identity providers whose rotating key sets verify tokens no
 * {@code jwt_secrets} entry claims, each for the policy consumer its tokens authenticate as.
 */
final class IdentityProviders implements AutoCloseable {

    /** One provider: its key set, and the username or id of the consumer its tokens are. */
    record Provider(JwksSource keys, String consumer) {
    }

    private final Map<String, Provider> byKeyClaim = new LinkedHashMap<>();

    /** Adds the provider of tokens whose key claim is {@code keyClaim}. */
    void add(String keyClaim, JwksSource keys, String consumer) {
        byKeyClaim.put(keyClaim, new Provider(keys, consumer));
    }

    /** The providers, by key claim value. */
    Map<String, Provider> all() {
        return Collections.unmodifiableMap(byKeyClaim);
    }

    /** The key set for a key claim value, if one is configured and its consumer is in {@code policy}. */
    Optional<KongJwt.ExternalKeys> keysFor(String keyClaim, Policy policy) {
        Provider provider = byKeyClaim.get(keyClaim);
        if (provider == null) {
            return Optional.empty();
        }
        return Optional.ofNullable(policy.consumers().get(provider.consumer()))
                .map(consumer -> new KongJwt.ExternalKeys(provider.keys(), consumer));
    }

    @Override
    public void close() {
        byKeyClaim.values().forEach(provider -> provider.keys().close());
    }

    /** A key set's URL: https, or http on a loopback address only (keys must not travel in the clear). */
    static java.net.URI uri(String text) {
        java.net.URI uri;
        try {
            uri = java.net.URI.create(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("kong.jwks: not a URL: " + text);
        }
        boolean loopback = uri.getHost() != null && (uri.getHost().equals("localhost") || uri.getHost().equals("127.0.0.1")
                || uri.getHost().equals("[::1]"));
        if (uri.getHost() == null || !("https".equals(uri.getScheme()) || "http".equals(uri.getScheme()) && loopback)) {
            throw new IllegalArgumentException("kong.jwks: " + text + " must be an https:// URL (http:// only on loopback)");
        }
        return uri;
    }
}
