package dev.switchboard.plugins.kong.policy;

import dev.switchboard.api.RequestView;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One loaded policy file: its consumers and their JWT credentials, its routes, and the plugins
 * configured globally. Immutable; a reload builds a new one and swaps it in whole.
 *
 * @param source      where it was read from
 * @param credentials JWT credentials by their {@code key}
 * @param consumers   consumers by id and by username (for {@code anonymous})
 * @param basicCredentials consumers' {@code basicauth_credentials} by username
 */
public record Policy(String source, List<Consumer> consumerList, Map<String, JwtCredential> credentials,
                     Map<String, Consumer> consumers, List<Route> routes, Map<String, PluginConf> global,
                     Map<String, BasicCredential> basicCredentials) {

    /** A consumer's {@code basicauth_credentials} entry: what {@code POST /api/auth/token} accepts. */
    public record BasicCredential(String username, String password, Consumer consumer) {

        @Override
        public String toString() {
            return "BasicCredential[username=" + username + ", consumer=" + consumer.displayName() + "]";
        }
    }

    /** The plugins that apply to one request: those of the route it matches, over the global ones. */
    public record Match(Route route, Map<String, PluginConf> plugins) {

        public <T extends PluginConf> Optional<T> plugin(String name, Class<T> type) {
            PluginConf conf = plugins.get(name);
            return type.isInstance(conf) ? Optional.of(type.cast(conf)) : Optional.empty();
        }

        /** The matched route's name, or the empty string when only global plugins apply. */
        public String routeName() {
            return route == null ? "" : route.name();
        }

        public String serviceName() {
            return route == null || route.service() == null ? "" : route.service();
        }
    }

    /**
     * The route {@code request} matches, as Kong's router picks it: a route naming more kinds of
     * conditions (paths, methods, hosts) first; among those, regex paths first (higher
     * {@code regex_priority} first), then the longest matching prefix; on a tie, the one written first.
     */
    public Match match(RequestView request) {
        Route best = null;
        long bestScore = -1;
        for (Route route : routes) {
            int length = route.matchLength(request);
            if (length < 0) {
                continue;
            }
            long conditions = (route.prefixes().isEmpty() && route.regexes().isEmpty() ? 0 : 1) + (route.methods().isEmpty() ? 0 : 1)
                    + (route.hosts().isEmpty() ? 0 : 1);
            long score = (conditions << 56)
                    + (length == Integer.MAX_VALUE ? (1L << 50) + ((long) route.regexPriority() << 20) : (long) length << 4);
            if (score > bestScore) {
                best = route;
                bestScore = score;
            }
        }
        return new Match(best, best == null ? global : best.plugins());
    }

    /** Every plugin config in the file: global ones and those of each route. */
    public List<PluginConf> allPlugins() {
        List<PluginConf> all = new java.util.ArrayList<>(global.values());
        routes.forEach(route -> all.addAll(route.plugins().values()));
        return all;
    }
}
