package dev.switchboard.api;

/**
 * The rest of the gateway chain after the current filter.
 *
 * @since 0.1.0
 */
@FunctionalInterface
public interface GatewayChain {

    /** Passes the request to the next filter, or to the route when this was the last filter. */
    void proceed() throws Exception;
}
