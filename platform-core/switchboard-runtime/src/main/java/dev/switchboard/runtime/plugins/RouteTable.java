package dev.switchboard.runtime.plugins;

import dev.switchboard.runtime.http.CoreRoutes;
import org.glassfish.jersey.uri.PathPattern;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * Which plugin serves a path: the root resource templates of every live plugin version, matched
 * in Jersey's own precedence order (more literal characters first), so routing across plugins
 * behaves as it would inside one JAX-RS application.
 */
final class RouteTable {

    private record Entry(PathPattern pattern, PluginUnit unit) {
    }

    private final List<Entry> entries;

    private RouteTable(List<Entry> entries) {
        this.entries = entries;
    }

    static RouteTable of(Collection<PluginUnit> units) {
        List<Entry> entries = new ArrayList<>();
        for (PluginUnit unit : units) {
            for (String template : unit.rootTemplates()) {
                entries.add(new Entry(new PathPattern(template), unit));
            }
        }
        entries.sort((a, b) -> PathPattern.COMPARATOR.compare(a.pattern(), b.pattern()));
        return new RouteTable(List.copyOf(entries));
    }

    Optional<PluginUnit> match(String path) {
        for (Entry entry : entries) {
            if (entry.pattern().match(path) != null) {
                return Optional.of(entry.unit());
            }
        }
        return Optional.empty();
    }

    /**
     * Why a plugin's routes cannot go live next to {@code others}: a root template another
     * plugin already serves (equal up to variable names), or a route under a host prefix.
     * Empty when there is no conflict.
     */
    static List<String> conflicts(String pluginId, List<String> rootTemplates, List<RouteInfo> routes, Collection<PluginUnit> others) {
        List<String> conflicts = new ArrayList<>();
        for (RouteInfo route : routes) {
            String prefix = CoreRoutes.hostPrefixOf(literalPrefix(route.path()));
            if (prefix != null) {
                conflicts.add("route " + route.method() + " " + route.path() + " falls under " + prefix + ", which the host serves");
            }
        }
        for (String template : rootTemplates) {
            String regex = new PathPattern(template).getRegex();
            for (PluginUnit other : others) {
                if (other.id().equals(pluginId)) {
                    continue;
                }
                for (String theirs : other.rootTemplates()) {
                    if (new PathPattern(theirs).getRegex().equals(regex)) {
                        conflicts.add("route " + template + " is already served by plugin '" + other.id() + "' " + other.version());
                    }
                }
            }
        }
        return conflicts;
    }

    /** The template up to its first variable, without a trailing slash. */
    private static String literalPrefix(String template) {
        int brace = template.indexOf('{');
        String literal = brace < 0 ? template : template.substring(0, brace);
        return JaxrsRoutes.normalize(literal);
    }
}
