package dev.switchboard.plugins.kong.jwt;

import dev.switchboard.plugins.kong.policy.JwtConf;
import dev.switchboard.plugins.kong.policy.JwtCredential;
import dev.switchboard.plugins.kong.policy.Policy;
import tools.jackson.databind.JsonNode;

import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Tokens whose signature was verified, so that the next request with the same token skips the
 * decoding, the credential lookup and the signature (the costly part: an RSA or ECDSA
 * verification). The claims ({@code exp}, {@code nbf}, maximum expiration) are checked again on
 * every request. An entry is only good for the policy and the jwt config it was verified under:
 * a reloaded policy (a rotated secret, a removed consumer) misses. Tokens verified with an
 * identity provider's key set are not kept, so a key it withdraws stops working at the next fetch.
 */
public final class VerifiedTokens {

    record Entry(Policy policy, JwtConf conf, JwtCredential credential, JsonNode claims, Map<String, Object> values) {
    }

    private final int capacity;
    private final Map<String, Entry> entries;

    /** @param capacity the most tokens kept; 0 keeps none */
    public VerifiedTokens(int capacity) {
        this.capacity = capacity;
        this.entries = new ConcurrentHashMap<>(Math.max(16, Math.min(capacity, 1 << 16)));
    }

    Entry get(String token, Policy policy, JwtConf conf) {
        if (capacity == 0) {
            return null;
        }
        Entry entry = entries.get(token);
        return entry != null && entry.policy() == policy && entry.conf() == conf ? entry : null;
    }

    void put(String token, Entry entry) {
        if (capacity == 0) {
            return;
        }
        if (entries.size() >= capacity) {
            // Make room by dropping about half, in no particular order: cheaper than tracking
            // recency on every hit, and a dropped token is only verified once more.
            Iterator<String> keys = entries.keySet().iterator();
            for (int i = 0; i < capacity / 2 + 1 && keys.hasNext(); i++) {
                keys.next();
                keys.remove();
            }
        }
        entries.put(token, entry);
    }

    public int size() {
        return entries.size();
    }
}
