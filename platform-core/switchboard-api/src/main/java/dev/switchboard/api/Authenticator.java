package dev.switchboard.api;

import java.util.Optional;

/**
 * Establishes who a request comes from. A plugin contributes one with
 * {@link Platform#authenticator}; the host asks it the first time a request's principal is needed
 * (an event stream, a publish, a gateway filter calling {@link GatewayExchange#principal()}).
 *
 * <p>Return empty when the request carries no credential this authenticator understands (the next
 * authenticator is asked; when none knows the request, it is anonymous). Throw
 * {@link AuthenticationException} when it carries one that is wrong: the request is answered 401
 * and no other authenticator is asked.
 *
 * <p>While no plugin contributes an authenticator, the host's development default applies:
 * callers on the loopback interface are the configured dev principal ({@code auth.dev.*}).
 *
 * @since 0.1.0
 */
@FunctionalInterface
public interface Authenticator {

    Optional<Principal> authenticate(AuthenticationRequest request);
}
