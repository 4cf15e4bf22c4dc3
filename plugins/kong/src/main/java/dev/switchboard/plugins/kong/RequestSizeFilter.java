package dev.switchboard.plugins.kong;

import dev.switchboard.api.GatewayChain;
import dev.switchboard.api.GatewayExchange;
import dev.switchboard.plugins.kong.policy.Policy;
import dev.switchboard.plugins.kong.policy.RequestSizeConf;

import java.util.Optional;

/**
 * Kong's {@code request-size-limiting} plugin (priority 951): a body larger than
 * {@code allowed_payload_size} gets 413 {@code {"message":"Request size limit exceeded"}}, told by
 * its {@code Content-Length} or, without one (a chunked or HTTP/2 body), by reading at most the
 * limit plus one byte (which the route then reads as if nothing happened; the host's
 * {@code limits.max_request_body} bounds what is held).
 */
final class RequestSizeFilter extends PolicyFilter<RequestSizeConf> {

    RequestSizeFilter(Gateway gateway) {
        super(gateway, "request-size-limiting", RequestSizeConf.class, 951);
    }

    @Override
    protected void filter(GatewayExchange exchange, GatewayChain chain, RequestSizeConf conf, Policy.Match match) throws Exception {
        Optional<String> length = exchange.header("Content-Length");
        if (length.isPresent() && length.get().strip().matches("\\d{1,18}")) {
            if (Long.parseLong(length.get().strip()) > conf.limitBytes()) {
                exceeded(exchange);
                return;
            }
        } else if (conf.requireContentLength()) {
            // No length: a chunked body, or an HTTP/2 one (which has no Transfer-Encoding). Only a
            // request that does carry a body is refused for lacking one.
            if (exchange.body(0).isEmpty()) {
                exchange.respond(411, JwtFilter.CONTENT_TYPE, "{\"message\":\"A valid Content-Length header is required\"}");
                return;
            }
        } else if (exchange.body((int) Math.min(conf.limitBytes(), Integer.MAX_VALUE - 1)).isEmpty()) {
            exceeded(exchange);
            return;
        }
        chain.proceed();
    }

    private static void exceeded(GatewayExchange exchange) {
        exchange.respond(413, JwtFilter.CONTENT_TYPE, "{\"message\":\"Request size limit exceeded\"}");
    }
}
