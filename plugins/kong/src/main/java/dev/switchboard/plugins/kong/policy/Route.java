package dev.switchboard.plugins.kong.policy;

import dev.switchboard.api.RequestView;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A route of the policy file: which requests it matches (Kong's {@code paths}, {@code methods},
 * {@code hosts}) and the plugins configured on it.
 *
 * @param prefixes plain paths, matched as prefixes
 * @param regexes  {@code ~}-paths, matched from the start of the path
 * @param plugins  plugin configs of the route merged over its service's, by plugin name
 */
public record Route(String name, String service, List<String> prefixes, List<Pattern> regexes, int regexPriority,
                    Set<String> methods, List<String> hosts, Map<String, PluginConf> plugins) {

    /** The length of the longest prefix of {@code path} this route matches, or -1; regex matches count as {@link Integer#MAX_VALUE}. */
    int matchLength(RequestView request) {
        if (!methods.isEmpty() && !methods.contains(request.method())) {
            return -1;
        }
        if (!hosts.isEmpty() && !hostMatches(request.header("Host").orElse(""))) {
            return -1;
        }
        String path = request.path();
        for (Pattern regex : regexes) {
            if (regex.matcher(path).lookingAt()) {
                return Integer.MAX_VALUE;
            }
        }
        int longest = prefixes.isEmpty() && regexes.isEmpty() ? 0 : -1;
        for (String prefix : prefixes) {
            if (path.startsWith(prefix) && prefix.length() > longest) {
                longest = prefix.length();
            }
        }
        return longest;
    }

    private boolean hostMatches(String hostHeader) {
        String host = hostHeader.toLowerCase(Locale.ROOT);
        int colon = host.lastIndexOf(':');
        String bare = colon > 0 && !host.endsWith("]") ? host.substring(0, colon) : host;
        for (String candidate : hosts) {
            String expected = candidate.toLowerCase(Locale.ROOT);
            boolean match = expected.startsWith("*.") ? bare.endsWith(expected.substring(1))
                    : expected.endsWith(".*") ? bare.startsWith(expected.substring(0, expected.length() - 1))
                    : bare.equals(expected) || host.equals(expected);
            if (match) {
                return true;
            }
        }
        return false;
    }
}
