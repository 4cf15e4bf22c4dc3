package dev.switchboard.plugins.hello;

import dev.switchboard.api.GatewayChain;
import dev.switchboard.api.GatewayExchange;
import dev.switchboard.api.GatewayFilter;

/**
 * A gateway filter: it runs before the route and may answer instead of it. This one refuses
 * over-long names on {@code /api/hello} and stamps every response it passes with the plugin
 * that served it. (Filters see every request that is not {@code /admin} or {@code /health},
 * so a filter checks the path when it only cares about some routes.)
 */
final class NameLengthFilter implements GatewayFilter {

    private final int maxNameLength;

    NameLengthFilter(int maxNameLength) {
        this.maxNameLength = maxNameLength;
    }

    @Override
    public int priority() {
        return 800;
    }

    @Override
    public void filter(GatewayExchange exchange, GatewayChain chain) throws Exception {
        if (exchange.path().startsWith("/api/hello")) {
            String name = exchange.queryParam("name").orElse("");
            if (name.length() > maxNameLength) {
                exchange.respondProblem(400, "The name is " + name.length() + " characters long; at most " + maxNameLength + " are accepted.");
                return;
            }
            exchange.setResponseHeader("X-Hello-Filter", "checked");
        }
        chain.proceed();
    }
}
