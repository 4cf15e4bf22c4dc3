package dev.switchboard.plugins.kong.policy;

import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The {@code config} of a Kong {@code cors} plugin entry, with Kong 3.9's defaults. One change
 * from Kong: {@code credentials: true} with no origins or {@code *} is refused, because Kong then
 * reflects any origin with credentials allowed, which lets every web site read the answers.
 *
 * @param maxAge     seconds, or null for no {@code Access-Control-Max-Age}
 * @param plainOrigins the plain (non-regex) origins, normalized once here rather than per request
 * @param patterns   the regex origins, compiled
 */
public record CorsConf(List<String> origins, List<String> headers, List<String> exposedHeaders, List<String> methods,
                       Long maxAge, boolean credentials, boolean privateNetwork, boolean preflightContinue,
                       Set<String> plainOrigins, List<Pattern> patterns) implements PluginConf {

    static final Set<String> FIELDS = Set.of("origins", "headers", "exposed_headers", "methods", "max_age", "credentials",
            "private_network", "preflight_continue");

    static final List<String> DEFAULT_METHODS = List.of("GET", "HEAD", "PUT", "PATCH", "POST", "DELETE", "OPTIONS", "TRACE", "CONNECT");

    /** Kong treats an origin with any character outside this set as a regular expression. */
    private static final Pattern PLAIN = Pattern.compile("^[A-Za-z0-9.:/-]+$");

    static CorsConf parse(Node config) throws PolicyException {
        Node fields = config.orEmpty().only(FIELDS);
        List<String> origins = fields.field("origins").strings(List.of());
        boolean credentials = fields.field("credentials").bool(false);
        if (credentials && (origins.isEmpty() || origins.contains("*"))) {
            throw fields.field("credentials").error("credentials: true needs an explicit list of origins; with "
                    + (origins.isEmpty() ? "no origins" : "'*'") + " Kong would reflect any origin with credentials, "
                    + "letting every web site read authenticated answers");
        }
        List<Pattern> patterns = new java.util.ArrayList<>();
        Set<String> plainOrigins = new java.util.HashSet<>();
        for (int i = 0; i < origins.size(); i++) {
            String origin = origins.get(i);
            if (PLAIN.matcher(origin).matches()) {
                plainOrigins.add(normalize(origin));
            } else if (!origin.equals("*")) {
                try {
                    patterns.add(Pattern.compile(origin));
                } catch (PatternSyntaxException e) {
                    throw fields.field("origins").error("[" + i + "] is not a valid regular expression: " + e.getDescription());
                }
            }
        }
        List<String> methods = fields.field("methods").strings(DEFAULT_METHODS);
        for (String method : methods) {
            if (!DEFAULT_METHODS.contains(method)) {
                throw fields.field("methods").error("expected methods from " + DEFAULT_METHODS + ", got '" + method + "'");
            }
        }
        return new CorsConf(origins, fields.field("headers").strings(List.of()), fields.field("exposed_headers").strings(List.of()),
                methods, fields.field("max_age").integer(0, Integer.MAX_VALUE).orElse(null), credentials,
                fields.field("private_network").bool(false), fields.field("preflight_continue").bool(false), Set.copyOf(plainOrigins),
                List.copyOf(patterns));
    }

    /** Whether the origin list allows every origin ({@code *}, or no list at all). */
    public boolean allowsAll() {
        return origins.isEmpty() || origins.size() == 1 && origins.getFirst().equals("*");
    }

    /** {@code scheme://host[:port]} in lower case, without the scheme's default port. */
    public static String normalize(String origin) {
        try {
            java.net.URI uri = java.net.URI.create(origin.strip());
            if (uri.getScheme() == null || uri.getHost() == null) {
                return origin.strip().toLowerCase(java.util.Locale.ROOT);
            }
            String scheme = uri.getScheme().toLowerCase(java.util.Locale.ROOT);
            int port = uri.getPort();
            boolean defaultPort = port == -1 || scheme.equals("http") && port == 80 || scheme.equals("https") && port == 443;
            return scheme + "://" + uri.getHost().toLowerCase(java.util.Locale.ROOT) + (defaultPort ? "" : ":" + port);
        } catch (IllegalArgumentException e) {
            return origin.strip().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** Whether an entry is plain (compared as a normalized origin) rather than a regular expression. */
    public static boolean plain(String origin) {
        return PLAIN.matcher(origin).matches();
    }

    @Override
    public String name() {
        return "cors";
    }
}
