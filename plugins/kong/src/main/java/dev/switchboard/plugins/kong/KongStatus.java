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

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;

/**
 * {@code GET /api/health/kong}: the in-process gateway's state, the same report the plugin's
 * {@code gateway} health check gives {@code /health/ready}.
 */
@Path("/api/health/kong")
public final class KongStatus {

    private final Gateway gateway;
    private final String version;

    KongStatus(Gateway gateway, String version) {
        this.gateway = gateway;
        this.version = version;
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

    Health health() {
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
        Health.Status status = Health.Status.UP;
        java.util.List<Map<String, Object>> servers = new java.util.ArrayList<>();
        Map<RateLimitConf.Redis, Boolean> redisServers = new LinkedHashMap<>();
        for (PluginConf plugin : policy.allPlugins()) {
            if (plugin instanceof RateLimitConf limits && limits.redis() != null) {
                // A server is as critical as its least tolerant user.
                redisServers.merge(limits.redis(), limits.faultTolerant(), Boolean::logicalAnd);
            }
        }
        for (Map.Entry<RateLimitConf.Redis, Boolean> server : redisServers.entrySet()) {
            Map<String, Object> report = new LinkedHashMap<>();
            report.put("server", server.getKey().toString());
            try {
                report.put("reachable", true);
                report.put("latency_ms", Math.round(gateway.redis(server.getKey()).ping() * 100) / 100.0);
            } catch (Exception e) {
                report.put("reachable", false);
                report.put("error", e.toString());
                status = server.getValue() ? worse(status, Health.Status.DEGRADED) : Health.Status.DOWN;
            }
            servers.add(report);
        }
        if (!servers.isEmpty()) {
            details.put("redis", servers);
        }
        if (state.error() != null) {
            details.put("last_error", state.error());
            details.put("last_error_at", String.valueOf(state.errorAt()));
        }
        if (status == Health.Status.DOWN) {
            return new Health(status, "a Redis server of a rate limit without fault_tolerant is unreachable: its requests are refused", details);
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
