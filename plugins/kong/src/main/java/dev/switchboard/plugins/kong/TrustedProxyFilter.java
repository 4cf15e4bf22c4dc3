package dev.switchboard.plugins.kong;

import dev.switchboard.api.GatewayChain;
import dev.switchboard.api.GatewayExchange;
import dev.switchboard.api.GatewayFilter;
import dev.switchboard.api.Principal;
import dev.switchboard.plugins.kong.jwt.KongJwt;
import dev.switchboard.plugins.kong.policy.Consumer;
import dev.switchboard.plugins.kong.policy.JwtConf;
import dev.switchboard.plugins.kong.policy.Policy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Runs first (priority 2100, before CORS) whenever a policy is in force. Behind a real Kong
 * ({@code kong.trusted_proxies}), a request from a trusted address, on a route where the policy
 * runs Kong's {@code jwt} plugin, carries the {@code X-Consumer-*} and
 * {@code X-Credential-Identifier} headers Kong's jwt plugin set: they are believed when they name
 * one of the policy's consumers and one of its credentials, and the principal is built from that
 * consumer. Everywhere else these headers are removed, so that no client can pose as a consumer.
 */
final class TrustedProxyFilter implements GatewayFilter {

    static final List<String> KONG_HEADERS = List.of("X-Consumer-ID", "X-Consumer-Custom-ID", "X-Consumer-Username",
            "X-Credential-Identifier", "X-Anonymous-Consumer", "X-Consumer-Groups");

    private final Gateway gateway;

    TrustedProxyFilter(Gateway gateway) {
        this.gateway = gateway;
    }

    @Override
    public int priority() {
        return 2100;
    }

    @Override
    public String name() {
        return "kong-trusted-proxy";
    }

    @Override
    public void filter(GatewayExchange exchange, GatewayChain chain) throws Exception {
        Optional<Policy> policy = gateway.policy();
        if (policy.isEmpty()) {
            chain.proceed();
            return;
        }
        Optional<JwtConf> jwt = gateway.match(exchange).flatMap(m -> m.plugin("jwt", JwtConf.class));
        Optional<Consumer> consumer = jwt.isPresent() && gateway.trustedProxies.contains(exchange.remoteAddress())
                ? kongConsumer(exchange, policy.get(), jwt.get()) : Optional.empty();
        if (consumer.isEmpty()) {
            // Not Kong's word: from elsewhere, or on a route where Kong's jwt plugin does not run
            // (there Kong passes a client's X-Consumer-* headers on untouched).
            KONG_HEADERS.forEach(exchange::removeRequestHeader);
            chain.proceed();
            return;
        }
        exchange.removeRequestHeader("X-Consumer-Groups");
        exchange.setAttribute(Gateway.CONSUMER, consumer.get());
        exchange.setAttribute(Gateway.PROXY_AUTHENTICATED, Boolean.TRUE);
        exchange.authenticate(principal(exchange, policy.get(), jwt.get(), consumer.get()));
        chain.proceed();
    }

    /**
     * The consumer Kong's jwt plugin named, if it is one of the policy's: by {@code X-Consumer-ID},
     * else {@code X-Consumer-Username}; its credential must be one of its own, or it must be the
     * route's {@code anonymous} consumer with {@code X-Anonymous-Consumer: true}.
     */
    private Optional<Consumer> kongConsumer(GatewayExchange exchange, Policy policy, JwtConf jwt) {
        Optional<Consumer> consumer = exchange.header("X-Consumer-ID").map(id -> policy.consumers().get(id))
                .or(() -> exchange.header("X-Consumer-Username").map(name -> policy.consumers().get(name)));
        if (consumer.isEmpty()) {
            return Optional.empty();
        }
        if (exchange.header("X-Anonymous-Consumer").orElse("").equalsIgnoreCase("true")) {
            Consumer anonymous = jwt.anonymousConsumer().map(name -> policy.consumers().get(name)).orElse(null);
            return consumer.filter(c -> c.equals(anonymous));
        }
        Optional<String> credential = exchange.header("X-Credential-Identifier");
        boolean own = credential.map(key -> policy.credentials().get(key) != null && policy.credentials().get(key).consumer().equals(consumer.get())
                || gateway.externalKeys(key).map(keys -> keys.consumer().equals(consumer.get())).orElse(false)).orElse(false);
        return own ? consumer : Optional.empty();
    }

    /**
     * The principal of a request Kong authenticated: the consumer's (its {@code custom_id} or
     * username, and its ACL groups as roles); when the bearer token Kong passed on verifies here
     * too, its subject and roles claims, as without a proxy.
     */
    private Principal principal(GatewayExchange exchange, Policy policy, JwtConf jwt, Consumer consumer) {
        boolean anonymous = exchange.header("X-Anonymous-Consumer").orElse("").equalsIgnoreCase("true");
        Map<String, String> attributes = new LinkedHashMap<>();
        attributes.put("authenticator", "kong-trusted-proxy");
        attributes.put("consumer_id", consumer.id());
        if (consumer.username() != null) {
            attributes.put("consumer_username", consumer.username());
        }
        if (consumer.customId() != null) {
            attributes.put("consumer_custom_id", consumer.customId());
        }
        if (anonymous) {
            attributes.put("anonymous", "true");
            return new Principal(consumer.displayName(), Set.of(), attributes);
        }
        exchange.header("X-Credential-Identifier").ifPresent(key -> attributes.put("credential", key));
        KongJwt.Result verified = KongJwt.authenticate(exchange, jwt, policy, gateway::externalKeys, gateway.verifiedTokens,
                gateway.clock.millis() / 1000.0, gateway.config.clockSkew().toSeconds());
        if (verified instanceof KongJwt.Authenticated ok && ok.consumer().equals(consumer)) {
            Set<String> roles = Claims.roles(ok.claims(), gateway.config);
            roles.addAll(consumer.groups());
            return new Principal(Claims.subject(ok.claims(), gateway.config).orElse(subject(consumer)), roles, attributes);
        }
        return new Principal(subject(consumer), Set.copyOf(consumer.groups()), attributes);
    }

    private static String subject(Consumer consumer) {
        return consumer.customId() != null ? consumer.customId() : consumer.displayName();
    }
}
