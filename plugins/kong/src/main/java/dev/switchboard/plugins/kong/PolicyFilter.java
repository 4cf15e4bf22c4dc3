package dev.switchboard.plugins.kong;

import dev.switchboard.api.GatewayChain;
import dev.switchboard.api.GatewayExchange;
import dev.switchboard.api.GatewayFilter;
import dev.switchboard.plugins.kong.policy.PluginConf;
import dev.switchboard.plugins.kong.policy.Policy;

import java.util.Optional;

/**
 * A gateway filter for one of Kong's plugins: it acts only on requests whose route, service or
 * consumer the policy gives that plugin, with that entry's configuration; every other request
 * passes straight on. The match is made once per request and shared by the filters.
 *
 * @param <C> the plugin's configuration
 */
abstract class PolicyFilter<C extends PluginConf> implements GatewayFilter {

    protected final Gateway gateway;
    private final String plugin;
    private final Class<C> type;
    private final int priority;

    /** @param plugin Kong's name of the plugin ({@code jwt}, {@code rate-limiting}, ...) */
    PolicyFilter(Gateway gateway, String plugin, Class<C> type, int priority) {
        this.gateway = gateway;
        this.plugin = plugin;
        this.type = type;
        this.priority = priority;
    }

    @Override
    public final int priority() {
        return priority;
    }

    @Override
    public final String name() {
        return "kong-" + plugin;
    }

    @Override
    public final void filter(GatewayExchange exchange, GatewayChain chain) throws Exception {
        Optional<Policy.Match> match = gateway.match(exchange);
        Optional<C> conf = match.flatMap(m -> m.plugin(plugin, type));
        if (conf.isEmpty()) {
            chain.proceed();
            return;
        }
        filter(exchange, chain, conf.get(), match.get());
    }

    /** Runs the plugin on a request the policy gives it; answers it or calls {@code chain.proceed()}. */
    protected abstract void filter(GatewayExchange exchange, GatewayChain chain, C conf, Policy.Match match) throws Exception;
}
