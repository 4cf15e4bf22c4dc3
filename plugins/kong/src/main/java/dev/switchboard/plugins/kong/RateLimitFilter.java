package dev.switchboard.plugins.kong;

import dev.switchboard.api.AuthenticationException;
import dev.switchboard.api.GatewayChain;
import dev.switchboard.api.GatewayExchange;
import dev.switchboard.api.Principal;
import dev.switchboard.plugins.kong.policy.Consumer;
import dev.switchboard.plugins.kong.policy.JwtCredential;
import dev.switchboard.plugins.kong.policy.Policy;
import dev.switchboard.plugins.kong.policy.RateLimitConf;
import dev.switchboard.plugins.kong.policy.RateLimitConf.Period;
import dev.switchboard.plugins.kong.ratelimit.Counters;
import dev.switchboard.plugins.kong.ratelimit.RateLimitHeaders;
import org.slf4j.Logger;
import tools.jackson.databind.json.JsonMapper;

import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Kong's {@code rate-limiting} plugin (priority 910). A request is counted once, when it enters:
 * a long-lived event stream counts once, at connect. Counters are scoped like Kong's, by route
 * and service, so a global limit applies to each route separately.
 */
final class RateLimitFilter extends PolicyFilter<RateLimitConf> {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final Logger log;

    RateLimitFilter(Gateway gateway, Logger log) {
        super(gateway, "rate-limiting", RateLimitConf.class, 910);
        this.log = log;
    }

    @Override
    protected void filter(GatewayExchange exchange, GatewayChain chain, RateLimitConf conf, Policy.Match match) throws Exception {
        Instant now = gateway.clock.instant();
        String key = match.routeName() + "|" + match.serviceName() + "|" + conf.limitBy() + ":" + identifier(exchange, conf, match);
        Counters counters = gateway.counters.of(conf);
        Map<Period, Long> before;
        try {
            before = counters.hit(key, conf.limits(), now);
        } catch (Exception e) {
            if (!conf.faultTolerant()) {
                log.error("Rate-limit counters unavailable ({}); refusing {} {} (fault_tolerant is off)", e.toString(), exchange.method(), exchange.path());
                exchange.respond(500, JwtFilter.CONTENT_TYPE, JSON.writeValueAsString(Map.of("message", "An unexpected error occurred")));
                return;
            }
            log.warn("Rate-limit counters unavailable ({}); letting {} {} through uncounted (fault_tolerant)", e.toString(), exchange.method(), exchange.path());
            chain.proceed();
            return;
        }
        RateLimitHeaders answer = RateLimitHeaders.of(conf, before, now);
        answer.headers().forEach(exchange::setResponseHeader);
        if (answer.exceeded() != null) {
            Map<String, String> body = new LinkedHashMap<>();
            body.put("message", conf.errorMessage());
            body.put("request_id", HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong())
                    + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong()));
            exchange.respond(conf.errorCode(), JwtFilter.CONTENT_TYPE, JSON.writeValueAsString(body));
            return;
        }
        chain.proceed();
    }

    /** Who is counted, as Kong's {@code limit_by} says; the client's address when that is unknown. */
    private String identifier(GatewayExchange exchange, RateLimitConf conf, Policy.Match match) {
        String id = switch (conf.limitBy()) {
            case "consumer" -> exchange.attribute(Gateway.CONSUMER).map(c -> ((Consumer) c).id())
                    .or(() -> exchange.attribute(Gateway.CREDENTIAL).map(c -> ((JwtCredential) c).id()))
                    .or(() -> principal(exchange).map(p -> "principal:" + p.id()))
                    .orElse(null);
            case "credential" -> exchange.attribute(Gateway.CREDENTIAL).map(c -> ((JwtCredential) c).id()).orElse(null);
            case "header" -> exchange.header(conf.headerName()).orElse(null);
            case "path" -> exchange.path().equals(conf.path()) ? conf.path() : null;
            case "service" -> match.serviceName().isEmpty() ? null : match.serviceName();
            default -> null;
        };
        // The client's address only when nothing else identifies the caller (it walks X-Forwarded-For).
        return id != null ? id : "ip:" + gateway.trustedProxies.clientAddress(exchange);
    }

    /** A principal established by another authenticator (not a Kong consumer); an invalid credential counts as none. */
    private static Optional<Principal> principal(GatewayExchange exchange) {
        try {
            return exchange.principal();
        } catch (AuthenticationException e) {
            return Optional.empty();
        }
    }
}
