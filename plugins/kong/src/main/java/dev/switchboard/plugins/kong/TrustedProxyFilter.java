package dev.switchboard.plugins.kong;

import dev.switchboard.api.GatewayChain;
import dev.switchboard.api.GatewayExchange;
import dev.switchboard.api.GatewayFilter;
import dev.switchboard.api.Principal;
import dev.switchboard.plugins.kong.policy.Consumer;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Runs first (priority 2100, before CORS) whenever a policy is in force. Behind a real Kong
 * ({@code kong.trusted_proxies}), a request from a trusted address that Kong authenticated
 * carries Kong's {@code X-Consumer-*} and {@code X-Credential-Identifier} headers: they are
 * believed, and the request's principal is built from them (and from the token's claims, which
 * Kong verified). From any other address these headers are removed, so that no client can pose as
 * a consumer.
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
        if (gateway.policy().isEmpty()) {
            chain.proceed();
            return;
        }
        if (!gateway.trustedProxy(exchange.remoteAddress())) {
            KONG_HEADERS.forEach(exchange::removeRequestHeader);
            chain.proceed();
            return;
        }
        Optional<String> consumerId = exchange.header("X-Consumer-ID");
        Optional<String> username = exchange.header("X-Consumer-Username");
        Optional<String> customId = exchange.header("X-Consumer-Custom-ID");
        if (consumerId.isPresent() || username.isPresent() || customId.isPresent()) {
            Consumer consumer = new Consumer(consumerId.or(() -> username).or(() -> customId).orElseThrow(), username.orElse(null),
                    customId.orElse(null), List.of());
            boolean anonymous = exchange.header("X-Anonymous-Consumer").orElse("").equalsIgnoreCase("true");
            Optional<String> credential = anonymous ? Optional.empty() : exchange.header("X-Credential-Identifier");
            exchange.setAttribute(Gateway.CONSUMER, consumer);
            exchange.setAttribute(Gateway.PROXY_AUTHENTICATED, Boolean.TRUE);
            exchange.authenticate(principal(exchange, consumer, credential, anonymous));
        }
        chain.proceed();
    }

    private Principal principal(GatewayExchange exchange, Consumer consumer, Optional<String> credential, boolean anonymous) {
        Map<String, Object> claims = anonymous ? Map.of() : Claims.unverifiedClaims(exchange);
        Map<String, String> attributes = new LinkedHashMap<>();
        attributes.put("authenticator", "kong-trusted-proxy");
        attributes.put("consumer_id", consumer.id());
        if (consumer.username() != null) {
            attributes.put("consumer_username", consumer.username());
        }
        if (consumer.customId() != null) {
            attributes.put("consumer_custom_id", consumer.customId());
        }
        credential.ifPresent(c -> attributes.put("credential", c));
        if (anonymous) {
            attributes.put("anonymous", "true");
        }
        Set<String> roles = Claims.roles(claims, gateway.config);
        exchange.header("X-Consumer-Groups").ifPresent(groups -> {
            for (String group : groups.split(",")) {
                if (!group.isBlank()) {
                    roles.add(group.strip());
                }
            }
        });
        return new Principal(Claims.subject(claims, gateway.config).orElse(consumer.displayName()), roles, attributes);
    }
}
