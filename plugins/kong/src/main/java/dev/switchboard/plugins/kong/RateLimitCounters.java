package dev.switchboard.plugins.kong;

import dev.switchboard.plugins.kong.policy.Policy;
import dev.switchboard.plugins.kong.policy.RateLimitConf;
import dev.switchboard.plugins.kong.ratelimit.Counters;
import dev.switchboard.plugins.kong.ratelimit.LocalCounters;
import dev.switchboard.plugins.kong.ratelimit.RedisCounters;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The rate-limiting counters of one plugin version: this process's ({@code policy: local}), and
 * one Redis client per server a policy names ({@code policy: redis}), closed when a reloaded
 * policy no longer names it.
 */
final class RateLimitCounters implements AutoCloseable {

    private final LocalCounters local = new LocalCounters();
    private final Map<RateLimitConf.Redis, RedisCounters> redis = new ConcurrentHashMap<>();

    /** The counters a rate-limiting config uses. */
    Counters of(RateLimitConf conf) {
        return conf.redis() == null ? local : redis(conf.redis());
    }

    /** The counters of a Redis server (its client made on first use). */
    RedisCounters redis(RateLimitConf.Redis server) {
        return redis.computeIfAbsent(server, RedisCounters::new);
    }

    /** How many callers the local counters track now. */
    int localCallers() {
        return local.size();
    }

    /** A new policy is in force: closes the clients of Redis servers it no longer names. */
    void policyChanged(Policy policy) {
        Set<RateLimitConf.Redis> named = new HashSet<>();
        policy.allPlugins().forEach(plugin -> {
            if (plugin instanceof RateLimitConf limits && limits.redis() != null) {
                named.add(limits.redis());
            }
        });
        redis.entrySet().removeIf(entry -> {
            if (named.contains(entry.getKey())) {
                return false;
            }
            entry.getValue().close();
            return true;
        });
    }

    @Override
    public void close() {
        local.close();
        redis.values().forEach(RedisCounters::close);
    }
}
