package dev.switchboard.plugins.kong;

import dev.switchboard.api.GatewayChain;
import dev.switchboard.api.GatewayExchange;
import dev.switchboard.plugins.kong.policy.Policy;
import dev.switchboard.plugins.kong.policy.CorsConf;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Kong's {@code cors} plugin (priority 2000): answers preflight requests with 200 before any
 * authentication runs, and adds the CORS headers to every other answer, refusals included, so a
 * browser can read a 401 or a 429.
 */
final class CorsFilter extends PolicyFilter<CorsConf> {

    CorsFilter(Gateway gateway) {
        super(gateway, "cors", CorsConf.class, 2000);
    }

    @Override
    protected void filter(GatewayExchange exchange, GatewayChain chain, CorsConf conf, Policy.Match match) throws Exception {
        boolean preflight = exchange.method().equals("OPTIONS") && exchange.header("Access-Control-Request-Method").isPresent();
        boolean allowAll = origin(exchange, conf);
        credentials(exchange, conf, allowAll);
        if (preflight) {
            String headers = conf.headers().isEmpty()
                    ? exchange.header("Access-Control-Request-Headers").orElse(null)
                    : String.join(",", conf.headers());
            if (headers != null && !headers.isEmpty()) {
                exchange.setResponseHeader("Access-Control-Allow-Headers", headers);
            }
            exchange.setResponseHeader("Access-Control-Allow-Methods", String.join(",", conf.methods()));
            if (conf.maxAge() != null) {
                exchange.setResponseHeader("Access-Control-Max-Age", conf.maxAge().toString());
            }
            if (conf.privateNetwork() && exchange.header("Access-Control-Request-Private-Network").orElse("").equals("true")) {
                exchange.setResponseHeader("Access-Control-Allow-Private-Network", "true");
            }
            if (!conf.preflightContinue()) {
                exchange.respond(200, null, null);
                return;
            }
        } else if (!conf.exposedHeaders().isEmpty()) {
            exchange.setResponseHeader("Access-Control-Expose-Headers", String.join(",", conf.exposedHeaders()));
        }
        chain.proceed();
    }

    /** Sets {@code Access-Control-Allow-Origin} as Kong does; returns whether every origin is allowed. */
    private static boolean origin(GatewayExchange exchange, CorsConf conf) {
        if (conf.allowsAll()) {
            exchange.setResponseHeader("Access-Control-Allow-Origin", "*");
            return true;
        }
        exchange.addResponseHeader("Vary", "Origin");
        if (conf.origins().size() == 1 && CorsConf.plain(conf.origins().getFirst())) {
            exchange.setResponseHeader("Access-Control-Allow-Origin", conf.origins().getFirst());
            return false;
        }
        Optional<String> origin = exchange.header("Origin");
        if (origin.isEmpty()) {
            return false;
        }
        if (conf.plainOrigins().contains(CorsConf.normalize(origin.get()))) {
            exchange.setResponseHeader("Access-Control-Allow-Origin", origin.get());
            return false;
        }
        for (Pattern pattern : conf.patterns()) {
            if (pattern.matcher(origin.get()).matches()) {
                exchange.setResponseHeader("Access-Control-Allow-Origin", origin.get());
                return false;
            }
        }
        return false;
    }

    private static void credentials(GatewayExchange exchange, CorsConf conf, boolean allowAll) {
        // credentials with every origin allowed is refused when the policy loads (CorsConf).
        if (conf.credentials() && !allowAll) {
            exchange.setResponseHeader("Access-Control-Allow-Credentials", "true");
        }
    }
}
