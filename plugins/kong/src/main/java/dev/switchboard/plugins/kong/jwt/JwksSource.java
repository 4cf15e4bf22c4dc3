package dev.switchboard.plugins.kong.jwt;

import org.slf4j.Logger;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The keys of an identity provider's JWKS endpoint ({@code jwks_uri}, RFC 7517), which Kong OSS
 * cannot use: fetched at start, fetched again every {@code refresh} and, when a token names a
 * {@code kid} the set lacks (the provider rotated its keys), at most once per {@link #MIN_REFETCH}.
 * A failed fetch keeps the last good set. Keys come only from this URL, never from the token.
 */
public final class JwksSource implements AutoCloseable {

    /** The shortest time between two fetches caused by unknown {@code kid}s. */
    static final Duration MIN_REFETCH = Duration.ofSeconds(30);
    private static final long MAX_BYTES = 1 << 20;
    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** A snapshot: the usable keys by kid ("" for a key without one), when fetched, the last error. */
    private record Keys(Map<String, VerificationKey> byKid, Instant fetchedAt, String error, Instant errorAt) {
    }

    private final URI uri;
    private final Duration refresh;
    private final Duration timeout;
    private final Clock clock;
    private final Logger log;
    private final HttpClient client;
    private final AtomicReference<Keys> keys = new AtomicReference<>(new Keys(Map.of(), null, null, null));
    private volatile Instant lastFetch = Instant.EPOCH;
    private volatile Thread refresher;

    public JwksSource(URI uri, Duration refresh, Duration timeout, Clock clock, Logger log) {
        this.uri = uri;
        this.refresh = refresh;
        this.timeout = timeout;
        this.clock = clock;
        this.log = log;
        this.client = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /** Fetches the keys now, then every {@code refresh} on a virtual thread until {@link #close()}. */
    public void start() {
        fetch();
        refresher = Thread.ofVirtual().name("kong-jwks-" + uri.getHost()).start(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    Thread.sleep(refresh);
                } catch (InterruptedException e) {
                    return;
                }
                fetch();
            }
        });
    }

    /**
     * The key for a token's {@code kid}: looked up in the set, fetched again once if unknown. A
     * token without {@code kid} gets the set's only key, if it has exactly one.
     */
    public Optional<VerificationKey> key(String kid) {
        Optional<VerificationKey> found = lookup(kid);
        if (found.isEmpty() && Duration.between(lastFetch, clock.instant()).compareTo(MIN_REFETCH) >= 0) {
            fetch();
            found = lookup(kid);
        }
        return found;
    }

    private Optional<VerificationKey> lookup(String kid) {
        Map<String, VerificationKey> byKid = keys.get().byKid();
        if (kid == null) {
            return byKid.size() == 1 ? Optional.of(byKid.values().iterator().next()) : Optional.empty();
        }
        return Optional.ofNullable(byKid.get(kid));
    }

    synchronized void fetch() {
        lastFetch = clock.instant();
        Keys current = keys.get();
        try {
            HttpResponse<java.io.InputStream> response = client.send(HttpRequest.newBuilder(uri).timeout(timeout)
                    .header("Accept", "application/json").GET().build(), HttpResponse.BodyHandlers.ofInputStream());
            byte[] body;
            try (java.io.InputStream in = response.body()) {
                if (response.statusCode() != 200) {
                    throw new IllegalStateException("HTTP " + response.statusCode());
                }
                body = in.readNBytes((int) MAX_BYTES + 1);
            }
            if (body.length > MAX_BYTES) {
                throw new IllegalStateException("the key set is larger than 1 MiB");
            }
            JsonNode set = JSON.readTree(body);
            if (set == null || !set.path("keys").isArray()) {
                throw new IllegalStateException("not a JWK set (no \"keys\" array)");
            }
            Map<String, VerificationKey> byKid = new LinkedHashMap<>();
            int skipped = 0;
            for (JsonNode jwk : set.get("keys")) {
                @SuppressWarnings("unchecked")
                Map<String, Object> map = JSON.convertValue(jwk, Map.class);
                Optional<VerificationKey> key = map.containsKey("d") || map.containsKey("k") ? Optional.empty() : VerificationKey.fromJwk(map);
                if (key.isPresent()) {
                    byKid.putIfAbsent(jwk.path("kid").asString(""), key.get());
                } else {
                    skipped++;
                }
            }
            keys.set(new Keys(Map.copyOf(byKid), clock.instant(), null, null));
            log.info("JWKS {}: {} signing keys{}", uri, byKid.size(), skipped == 0 ? "" : " (" + skipped + " not usable for signatures, skipped)");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            keys.set(new Keys(current.byKid(), current.fetchedAt(), e.getMessage() == null ? e.toString() : e.getMessage(), clock.instant()));
            log.warn("JWKS {} could not be fetched ({}); {}", uri, e.toString(),
                    current.byKid().isEmpty() ? "no keys yet" : "the last good set stays in use");
        }
    }

    /** For the health report. */
    public Map<String, Object> status() {
        Keys current = keys.get();
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("uri", uri.toString());
        status.put("keys", current.byKid().size());
        status.put("fetched_at", String.valueOf(current.fetchedAt()));
        if (current.error() != null) {
            status.put("last_error", current.error());
            status.put("last_error_at", String.valueOf(current.errorAt()));
        }
        return status;
    }

    /** Whether the set has keys. */
    public boolean ready() {
        return !keys.get().byKid().isEmpty();
    }

    @Override
    public void close() {
        Thread thread = refresher;
        if (thread != null) {
            thread.interrupt();
        }
        client.close();
    }
}
