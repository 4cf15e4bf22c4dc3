package dev.switchboard.plugins.kong;

import dev.switchboard.api.Health;
import dev.switchboard.plugins.kong.policy.Policy;
import dev.switchboard.plugins.kong.policy.PluginConf;
import dev.switchboard.plugins.kong.policy.RateLimitConf;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * {@code GET /api/health/kong}: the in-process gateway's state, the same report the plugin's
 * {@code gateway} health check gives {@code /health/ready}.
 */
@Path("/api/health/kong")
public final class KongStatus {

    private static final java.time.Duration PING_WAIT = java.time.Duration.ofMillis(1000);

    private final Gateway gateway;
    private final String version;
    private final KongAdmin admin;

    KongStatus(Gateway gateway, String version, KongAdmin admin) {
        this.gateway = gateway;
        this.version = version;
        this.admin = admin;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Response get() {
        Health health = health();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", health.status().name());
        body.put("detail", health.detail());
        body.putAll(health.details());
        return Response.status(health.status() == Health.Status.DOWN ? 503 : 200).entity(body).build();
    }

    /**
     * The in-process gateway's state and, with {@code kong.admin_url}, the real Kong's: a Kong
     * that does not answer, or whose database is unreachable, makes the report {@code DEGRADED}
     * (Switchboard still serves; the proxy in front may not).
     */
    Health health() {
        // The real Kong is asked while the local checks (Redis pings) run, not after them.
        java.util.concurrent.CompletableFuture<KongAdmin.Report> kong = new java.util.concurrent.CompletableFuture<>();
        if (admin != null) {
            Thread.ofVirtual().name("kong-admin-status").start(() -> kong.complete(admin.check()));
        }
        Health local = gatewayHealth();
        if (admin == null) {
            return local;
        }
        KongAdmin.Report report = kong.join();
        Map<String, Object> details = new LinkedHashMap<>(local.details());
        details.put("kong_admin", report.details());
        if (!report.healthy() && local.status() == Health.Status.UP) {
            return new Health(Health.Status.DEGRADED, "the Kong in front (kong.admin_url) is unreachable or unhealthy", details);
        }
        return new Health(local.status(), local.detail(), details);
    }

    private Health gatewayHealth() {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("version", version);
        if (gateway.source().isEmpty()) {
            details.put("active", false);
            return Health.up("inactive: no kong.declarative_config, every request passes through").withDetails(details);
        }
        PolicySource.State state = gateway.source().get().state();
        Policy policy = state.policy();
        details.put("active", true);
        details.put("policy_file", gateway.source().get().file().toString());
        details.put("loaded_at", String.valueOf(state.loadedAt()));
        details.put("consumers", policy.consumerList().size());
        details.put("jwt_credentials", policy.credentials().size());
        details.put("routes", policy.routes().size());
        details.put("plugins", new TreeSet<>(policy.allPlugins().stream().map(PluginConf::name).toList()));
        details.put("local_rate_limit_callers", gateway.counters.localCallers());
        Health.Status status = Health.Status.UP;
        boolean degradedByJwks = false;
        java.util.List<Map<String, Object>> servers = new java.util.ArrayList<>();
        Map<RateLimitConf.Redis, Boolean> redisServers = new LinkedHashMap<>();
        for (PluginConf plugin : policy.allPlugins()) {
            if (plugin instanceof RateLimitConf limits && limits.redis() != null) {
                // A server is as critical as its least tolerant user.
                redisServers.merge(limits.redis(), limits.faultTolerant(), Boolean::logicalAnd);
            }
        }
        // Ping every server at once, and wait at most PING_WAIT: a Redis that does not answer must
        // not hold the health report past the host's check timeout.
        Map<RateLimitConf.Redis, java.util.concurrent.CompletableFuture<Double>> pings = new LinkedHashMap<>();
        for (RateLimitConf.Redis server : redisServers.keySet()) {
            java.util.concurrent.CompletableFuture<Double> ping = new java.util.concurrent.CompletableFuture<>();
            Thread.ofVirtual().name("kong-redis-ping").start(() -> {
                try {
                    ping.complete(gateway.counters.redis(server).ping());
                } catch (Exception e) {
                    ping.completeExceptionally(e);
                }
            });
            pings.put(server, ping);
        }
        long deadline = System.nanoTime() + PING_WAIT.toNanos();
        for (Map.Entry<RateLimitConf.Redis, Boolean> server : redisServers.entrySet()) {
            Map<String, Object> report = new LinkedHashMap<>();
            report.put("server", server.getKey().toString());
            try {
                double latency = pings.get(server.getKey()).get(Math.max(0, deadline - System.nanoTime()), java.util.concurrent.TimeUnit.NANOSECONDS);
                report.put("reachable", true);
                report.put("latency_ms", Math.round(latency * 100) / 100.0);
            } catch (Exception e) {
                report.put("reachable", false);
                report.put("error", e instanceof java.util.concurrent.TimeoutException ? "no answer within " + PING_WAIT.toMillis() + " ms"
                        : String.valueOf(e.getCause() == null ? e : e.getCause()));
                status = server.getValue() ? worse(status, Health.Status.DEGRADED) : Health.Status.DOWN;
            }
            servers.add(report);
        }
        if (!servers.isEmpty()) {
            details.put("redis", servers);
        }
        Map<String, IdentityProviders.Provider> providers = gateway.identityProviders.all();
        if (!providers.isEmpty()) {
            List<Map<String, Object>> sets = new ArrayList<>();
            providers.forEach((key, provider) -> {
                Map<String, Object> report = new LinkedHashMap<>(provider.keys().status());
                report.put("key", key);
                report.put("consumer", provider.consumer());
                sets.add(report);
            });
            details.put("jwks", sets);
            if (providers.values().stream().anyMatch(provider -> !provider.keys().ready())) {
                status = worse(status, Health.Status.DEGRADED);
                degradedByJwks = true;
            }
        }
        if (state.error() != null) {
            details.put("last_error", state.error());
            details.put("last_error_at", String.valueOf(state.errorAt()));
        }
        if (status == Health.Status.DOWN) {
            return new Health(status, "a Redis server of a rate limit without fault_tolerant is unreachable: its requests are refused", details);
        }
        if (status == Health.Status.DEGRADED && degradedByJwks && servers.stream().allMatch(r -> Boolean.TRUE.equals(r.get("reachable")))) {
            return new Health(status, "an identity provider's key set (kong.jwks) has no keys yet: its tokens are refused", details);
        }
        if (status == Health.Status.DEGRADED) {
            return new Health(status, "a Redis server is unreachable: its rate limits let requests through uncounted (fault_tolerant)", details);
        }
        if (state.error() != null) {
            return Health.degraded("the policy file was changed and refused; the previous policy stays in force").withDetails(details);
        }
        return Health.up("policy in force").withDetails(details);
    }

    private static Health.Status worse(Health.Status a, Health.Status b) {
        return a.compareTo(b) >= 0 ? a : b;
    }
}
