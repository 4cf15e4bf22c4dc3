package dev.switchboard.runtime.plugins;

import dev.switchboard.api.Authenticator;
import dev.switchboard.api.GatewayFilter;
import dev.switchboard.api.ResponseCompression;
import dev.switchboard.runtime.mcp.PluginMcpFeature;
import dev.switchboard.runtime.skills.PluginSkill;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An immutable snapshot of the live plugins: their units, the route table over them and the
 * gateway filter chain, numbered. The plugin manager publishes a new generation for every change;
 * a request takes the current one once ({@link #enter()}) and uses it throughout, so it sees
 * either the old routes and filters or the new ones, never a mix.
 *
 * <p>A superseded generation is closed: requests that raced with the switch step back and take
 * the new one, and the units it alone held are retired once the requests inside it finished.
 */
public final class Generation {

    /** A gateway filter with the plugin it belongs to and that plugin's class loader. */
    public record Filter(GatewayFilter filter, int priority, String pluginId, ClassLoader loader) {
    }

    /** An authenticator with the plugin it belongs to and that plugin's class loader. */
    public record Auth(Authenticator authenticator, String pluginId, ClassLoader loader) {
    }

    private final long number;
    private final Map<String, PluginUnit> units;
    private final RouteTable routes;
    private final List<Filter> filters;
    private final List<Auth> authenticators;
    private final List<String> authenticationOwners;
    private final ResponseCompression compression;
    private final AtomicLong active = new AtomicLong();
    private volatile boolean closed;

    Generation(long number, Map<String, PluginUnit> units) {
        this.number = number;
        this.units = Map.copyOf(units);
        this.routes = RouteTable.of(units.values());
        List<Filter> chain = new ArrayList<>();
        for (PluginUnit unit : units.values()) {
            for (GatewayFilter filter : unit.filters()) {
                chain.add(new Filter(filter, filter.priority(), unit.id(), unit.loader()));
            }
        }
        // Highest priority first; ties by plugin id then filter name, so the order is stable.
        chain.sort(Comparator.comparingInt(Filter::priority).reversed()
                .thenComparing(Filter::pluginId)
                .thenComparing(f -> f.filter().name()));
        this.filters = List.copyOf(chain);
        List<Auth> auths = new ArrayList<>();
        for (PluginUnit unit : units.values()) {
            for (Authenticator authenticator : unit.authenticators()) {
                auths.add(new Auth(authenticator, unit.id(), unit.loader()));
            }
        }
        // Asked in plugin id order (stable across generations), each plugin's in the order it added them.
        auths.sort(Comparator.comparing(Auth::pluginId));
        this.authenticators = List.copyOf(auths);
        this.compression = units.values().stream().map(PluginUnit::compression).filter(java.util.Objects::nonNull).findFirst().orElse(null);
        this.authenticationOwners = units.values().stream().filter(PluginUnit::ownsAuthentication).map(PluginUnit::id).sorted().toList();
    }

    public long number() {
        return number;
    }

    Map<String, PluginUnit> units() {
        return units;
    }

    /**
     * Serves a request with the plugin whose routes match {@code path}.
     *
     * @return false when no plugin route matches (nothing was written)
     */
    public boolean serve(String path, HttpServletRequest request, HttpServletResponse response) throws ServletException, IOException {
        Optional<PluginUnit> unit = routes.match(path);
        if (unit.isEmpty()) {
            return false;
        }
        unit.get().service(request, response);
        return true;
    }

    /** The gateway filters of this generation, in the order they run. */
    public List<Filter> gatewayFilters() {
        return filters;
    }

    /** The MCP tools, prompts and resources the plugins of this generation contribute, in plugin id order. */
    public List<PluginMcpFeature> mcp() {
        List<PluginMcpFeature> features = new ArrayList<>();
        units.values().stream().sorted(Comparator.comparing(PluginUnit::id)).forEach(unit -> features.addAll(unit.mcp()));
        return features;
    }

    /** The skills the plugins of this generation contribute, in plugin id order. */
    public List<PluginSkill> skills() {
        List<PluginSkill> skills = new ArrayList<>();
        units.values().stream().sorted(Comparator.comparing(PluginUnit::id)).forEach(unit -> skills.addAll(unit.skills()));
        return skills;
    }

    /** The authenticators of this generation, in the order they are asked. */
    public List<Auth> authenticators() {
        return authenticators;
    }

    /**
     * The plugins that decide who callers are (they contribute an authenticator or declared
     * {@code ownAuthentication()}); while there is one, the loopback development principal is off.
     */
    public List<String> authenticationOwners() {
        return authenticationOwners;
    }

    /** How responses are compressed while this generation is live; null: they are not. */
    public ResponseCompression compression() {
        return compression;
    }

    /** Registers a request in this generation; false when it was closed meanwhile (take the new one). */
    boolean enter() {
        active.incrementAndGet();
        if (closed) {
            active.decrementAndGet();
            return false;
        }
        return true;
    }

    /** Ends a request's stay in this generation. */
    public void exit() {
        active.decrementAndGet();
    }

    long activeRequests() {
        return active.get();
    }

    void close() {
        closed = true;
    }

    /** Waits until no request is inside this (closed) generation, or the time is up. */
    boolean awaitDrained(long deadlineNanos) throws InterruptedException {
        while (active.get() > 0) {
            if (System.nanoTime() - deadlineNanos >= 0) {
                return false;
            }
            TimeUnit.MILLISECONDS.sleep(2);
        }
        return true;
    }
}
