package dev.switchboard.runtime.gateway;

import dev.switchboard.api.AuthenticationException;
import dev.switchboard.api.AuthenticationRequest;
import dev.switchboard.api.Principal;
import dev.switchboard.runtime.config.Settings;
import dev.switchboard.runtime.lang.ContextLoader;
import dev.switchboard.runtime.plugins.Generation;
import jakarta.servlet.http.HttpServletRequest;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Who one request comes from, worked out once, the first time someone asks: the authenticators
 * of the generation the request entered, in order; while no plugin contributes one, the
 * development principal for loopback callers ({@code auth.dev.*}); otherwise anonymous.
 *
 * <p>The host attaches one to every request that passes the gateway ({@link #install}); routes
 * and filters read it with {@link #of}.
 */
public final class RequestAuthentication {

    private static final String ATTRIBUTE = RequestAuthentication.class.getName();

    private final List<Generation.Auth> authenticators;
    /** A live plugin decides who callers are: no development principal. */
    private final boolean owned;
    private final Settings.AuthSettings settings;
    private final String path;
    private boolean resolved;
    private Principal principal;
    private AuthenticationException failure;

    private RequestAuthentication(List<Generation.Auth> authenticators, boolean owned, Settings.AuthSettings settings, String path) {
        this.authenticators = authenticators;
        this.owned = owned;
        this.settings = settings;
        this.path = path;
    }

    /** Attaches the means to authenticate {@code request} with the authenticators of {@code generation}. */
    public static void install(HttpServletRequest request, Generation generation, Settings.AuthSettings settings, String path) {
        request.setAttribute(ATTRIBUTE, new RequestAuthentication(generation.authenticators(), !generation.authenticationOwners().isEmpty(), settings, path));
    }

    /** The authentication of {@code request}; anonymous when none was installed (a route outside the gateway). */
    public static RequestAuthentication of(HttpServletRequest request) {
        Object attached = request.getAttribute(ATTRIBUTE);
        return attached instanceof RequestAuthentication authentication ? authentication
                : new RequestAuthentication(List.of(), false, null, request.getRequestURI());
    }

    /**
     * The request's principal, empty when anonymous.
     *
     * @throws AuthenticationException when the request carries an invalid credential
     */
    public synchronized Optional<Principal> principal(HttpServletRequest request) {
        if (!resolved) {
            try {
                principal = resolve(request);
            } catch (AuthenticationException e) {
                failure = e;
            }
            resolved = true;
        }
        if (failure != null) {
            throw failure;
        }
        return Optional.ofNullable(principal);
    }

    /** The principal a gateway filter established; it replaces whatever the authenticators would say. */
    synchronized void authenticated(Principal established) {
        principal = established;
        failure = null;
        resolved = true;
    }

    private Principal resolve(HttpServletRequest request) {
        if (settings == null) {
            return null;
        }
        if (!owned) {
            return devPrincipal(request);
        }
        AuthenticationRequest view = new View(request, path, settings);
        for (Generation.Auth auth : authenticators) {
            Optional<Principal> found = ContextLoader.call(auth.loader(), () -> auth.authenticator().authenticate(view));
            if (found != null && found.isPresent()) {
                return found.get();
            }
        }
        return null;
    }

    private Principal devPrincipal(HttpServletRequest request) {
        Settings.AuthSettings.Dev dev = settings.dev();
        if (!dev.enabled() || !loopback(request.getRemoteAddr())) {
            return null;
        }
        return new Principal(dev.principal(), java.util.Set.copyOf(dev.roles()), Map.of("authenticator", "dev"));
    }

    private static boolean loopback(String address) {
        try {
            // An IP literal: no name lookup happens.
            return address != null && InetAddress.getByName(address).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /** What an authenticator sees: the request, and the bearer token wherever the client put it. */
    private static final class View extends ServletRequestView implements AuthenticationRequest {

        private final Settings.AuthSettings settings;

        View(HttpServletRequest request, String path, Settings.AuthSettings settings) {
            super(request, path);
            this.settings = settings;
        }

        @Override
        public Optional<String> bearerToken() {
            String token = null;
            for (String authorization : headers("Authorization")) {
                if (authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
                    token = same(token, authorization.substring(7).strip());
                }
            }
            token = same(token, queryParam(settings.tokenQueryParameter()).orElse(null));
            token = same(token, cookie(settings.tokenCookie()).orElse(null));
            return Optional.ofNullable(token);
        }

        private static String same(String found, String candidate) {
            if (candidate == null || candidate.isEmpty()) {
                return found;
            }
            if (found != null && !found.equals(candidate)) {
                throw new AuthenticationException("The request carries more than one token (Authorization header, query parameter, cookie); send one.");
            }
            return candidate;
        }
    }
}
