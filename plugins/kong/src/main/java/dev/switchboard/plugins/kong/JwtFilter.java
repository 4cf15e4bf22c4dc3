package dev.switchboard.plugins.kong;

import dev.switchboard.api.GatewayChain;
import dev.switchboard.api.GatewayExchange;
import dev.switchboard.api.Principal;
import dev.switchboard.plugins.kong.jwt.KongJwt;
import dev.switchboard.plugins.kong.policy.Policy;
import dev.switchboard.plugins.kong.policy.Consumer;
import dev.switchboard.plugins.kong.policy.JwtConf;
import dev.switchboard.plugins.kong.policy.JwtCredential;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Kong's {@code jwt} plugin (priority 1450). On success the request carries the principal to the
 * core (event isolation, job ownership, skill and MCP tool visibility) and, as behind Kong, the
 * {@code X-Consumer-*} and {@code X-Credential-Identifier} headers to the route.
 */
final class JwtFilter extends PolicyFilter<JwtConf> {

    static final String CONTENT_TYPE = "application/json; charset=utf-8";

    JwtFilter(Gateway gateway) {
        super(gateway, "jwt", JwtConf.class, 1450);
    }

    @Override
    protected void filter(GatewayExchange exchange, GatewayChain chain, JwtConf conf, Policy.Match match) throws Exception {
        if (!conf.runOnPreflight() && exchange.method().equals("OPTIONS")
                || exchange.attribute(Gateway.PROXY_AUTHENTICATED).isPresent() || tokenEndpoint(exchange)) {
            // Behind a trusted Kong that authenticated the request already, its word stands.
            chain.proceed();
            return;
        }
        double now = gateway.clock.millis() / 1000.0;
        KongJwt.Result result = KongJwt.authenticate(exchange, conf, gateway.policy().orElseThrow(), gateway::externalKeys, gateway.verifiedTokens, now,
                gateway.config.clockSkew().toSeconds());
        switch (result) {
            case KongJwt.Authenticated ok -> {
                Consumer consumer = issuedTo(ok).orElse(ok.consumer());
                consumerHeaders(exchange, consumer);
                exchange.setRequestHeader("X-Credential-Identifier", ok.credential().key());
                exchange.removeRequestHeader("X-Anonymous-Consumer");
                exchange.setAttribute(Gateway.CONSUMER, consumer);
                exchange.setAttribute(Gateway.CREDENTIAL, ok.credential());
                exchange.authenticate(principal(consumer, ok.credential(), ok.claims()));
                chain.proceed();
            }
            case KongJwt.Rejected rejected -> {
                Optional<Consumer> anonymous = conf.anonymousConsumer().map(name -> gateway.policy().orElseThrow().consumers().get(name));
                if (anonymous.isPresent()) {
                    consumerHeaders(exchange, anonymous.get());
                    exchange.removeRequestHeader("X-Credential-Identifier");
                    exchange.setRequestHeader("X-Anonymous-Consumer", "true");
                    exchange.setAttribute(Gateway.CONSUMER, anonymous.get());
                    exchange.authenticate(new Principal(anonymous.get().displayName(), Set.of(),
                            Map.of("authenticator", "kong-jwt", "consumer_id", anonymous.get().id(), "anonymous", "true")));
                    chain.proceed();
                    return;
                }
                exchange.setResponseHeader("WWW-Authenticate", rejected.challenge());
                exchange.respond(rejected.status(), CONTENT_TYPE, rejected.body());
            }
        }
    }

    /**
     * For a token of the embedded token endpoints ({@code kong.tokens}), the consumer it was issued
     * to (its {@code consumer} claim) rather than the issuing credential's: headers, rate limits
     * by consumer and the principal then tell users apart.
     */
    private Optional<Consumer> issuedTo(KongJwt.Authenticated ok) {
        if (!gateway.config.tokens().enabled() || !ok.credential().key().equals(gateway.config.tokens().credential())) {
            return Optional.empty();
        }
        return ok.claims().get("consumer") instanceof String name
                ? gateway.policy().map(policy -> policy.consumers().get(name)) : Optional.empty();
    }

    /** The embedded token endpoints are how a client gets a token: they cannot require one. */
    private boolean tokenEndpoint(GatewayExchange exchange) {
        return gateway.config.tokens().enabled() && exchange.method().equals("POST")
                && (exchange.path().equals(AuthResource.TOKEN_PATH) || exchange.path().equals(AuthResource.REFRESH_PATH));
    }

    private static void consumerHeaders(GatewayExchange exchange, Consumer consumer) {
        exchange.setRequestHeader("X-Consumer-ID", consumer.id());
        set(exchange, "X-Consumer-Custom-ID", consumer.customId());
        set(exchange, "X-Consumer-Username", consumer.username());
    }

    private static void set(GatewayExchange exchange, String header, String value) {
        if (value == null) {
            exchange.removeRequestHeader(header);
        } else {
            exchange.setRequestHeader(header, value);
        }
    }

    /**
     * The principal of a verified token: its id is the subject claim (by default {@code sub}), else
     * the consumer's name; its roles are the roles and permissions claims.
     */
    private Principal principal(Consumer consumer, JwtCredential credential, Map<String, Object> claims) {
        Map<String, String> attributes = new LinkedHashMap<>();
        attributes.put("authenticator", "kong-jwt");
        attributes.put("consumer_id", consumer.id());
        if (consumer.username() != null) {
            attributes.put("consumer_username", consumer.username());
        }
        if (consumer.customId() != null) {
            attributes.put("consumer_custom_id", consumer.customId());
        }
        attributes.put("credential", credential.key());
        return new Principal(Claims.subject(claims, gateway.config).orElse(consumer.displayName()), Claims.roles(claims, gateway.config),
                attributes);
    }
}
