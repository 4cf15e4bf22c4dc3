package dev.switchboard.api;

/**
 * A filter in the host's gateway chain: it sees every request to the host's and plugins' routes
 * (except {@code /admin} and {@code /health}) before JAX-RS does, and may answer it (deny,
 * preflight, rate-limit) or let it through with {@link GatewayChain#proceed()}.
 *
 * <p>Filters of all plugins form one chain, ordered by {@link #priority()}, highest first; the
 * chain is replaced as a whole when a plugin is swapped, so a request runs either the old set of
 * filters or the new one, never a mix. A filter that throws fails the request with a 500
 * (fail closed) and is logged with its name; it never reaches the resource.
 *
 * @since 0.1.0
 */
public interface GatewayFilter {

    /**
     * Higher runs first. Kong's numbers are a good guide: CORS 2000, JWT 1450, rate limiting 910,
     * request validation 850 or below.
     */
    int priority();

    /** A name for logs and {@code /admin/plugins}. */
    default String name() {
        return getClass().getSimpleName();
    }

    /**
     * Handles one request: either answer it through {@code exchange} (and do not proceed), or
     * call {@code chain.proceed()} once to pass it on. Code after {@code proceed()} runs once the
     * rest of the chain and the resource have handled the request.
     */
    void filter(GatewayExchange exchange, GatewayChain chain) throws Exception;
}
