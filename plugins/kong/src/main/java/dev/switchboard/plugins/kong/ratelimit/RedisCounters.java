package dev.switchboard.plugins.kong.ratelimit;

import dev.switchboard.plugins.kong.policy.RateLimitConf;
import dev.switchboard.plugins.kong.policy.RateLimitConf.Period;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * Counts in Redis (Kong's {@code redis} policy), shared by every instance that uses the same
 * server. One Lua script reads every period's counter and increments them all only when none has
 * reached its limit, atomically inside Redis: instances cannot overshoot a limit between them.
 * Keys follow Kong's shape, {@code ratelimit:<scope>:<window start>:<period>}, and expire when
 * their window ends.
 */
public final class RedisCounters implements Counters {

    static final String SCRIPT = """
            local counts = {}
            local allowed = true
            for i, key in ipairs(KEYS) do
              local count = tonumber(redis.call('GET', key) or '0')
              counts[i] = count
              if count >= tonumber(ARGV[2 * i - 1]) then allowed = false end
            end
            if allowed then
              for i, key in ipairs(KEYS) do
                redis.call('INCR', key)
                redis.call('PEXPIREAT', key, ARGV[2 * i])
              end
            end
            return counts
            """;

    private static final String SHA = sha1(SCRIPT);

    private final RespClient client;

    public RedisCounters(RateLimitConf.Redis settings) {
        this.client = new RespClient(settings);
    }

    @Override
    public Map<Period, Long> hit(String key, Map<Period, Long> limits, Instant now) throws IOException {
        List<Period> periods = new ArrayList<>(limits.keySet());
        String[] command = new String[3 + periods.size() * 3];
        command[0] = "EVALSHA";
        command[1] = SHA;
        command[2] = Integer.toString(periods.size());
        for (int i = 0; i < periods.size(); i++) {
            Period period = periods.get(i);
            command[3 + i] = "ratelimit:" + key + ":" + Windows.start(period, now) + ":" + period.field();
            command[3 + periods.size() + 2 * i] = Long.toString(limits.get(period));
            command[3 + periods.size() + 2 * i + 1] = Long.toString(Windows.end(period, now) + 1_000);
        }
        Object reply;
        try {
            reply = client.call(command);
        } catch (RespClient.RedisError e) {
            if (!e.getMessage().startsWith("NOSCRIPT")) {
                throw e;
            }
            command[0] = "EVAL";
            command[1] = SCRIPT;
            reply = client.call(command);
        }
        if (!(reply instanceof List<?> counts) || counts.size() != periods.size()) {
            throw new IOException("unexpected reply from the rate-limit script: " + reply);
        }
        Map<Period, Long> before = new EnumMap<>(Period.class);
        for (int i = 0; i < periods.size(); i++) {
            before.put(periods.get(i), (Long) counts.get(i));
        }
        return before;
    }

    /** Round-trip time of a PING, in milliseconds. */
    public double ping() throws IOException {
        long start = System.nanoTime();
        Object reply = client.call("PING");
        if (!"PONG".equals(reply)) {
            throw new IOException("PING answered " + reply);
        }
        return (System.nanoTime() - start) / 1e6;
    }

    @Override
    public void close() {
        client.close();
    }

    private static String sha1(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
