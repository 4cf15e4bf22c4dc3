package dev.switchboard.plugins.kong;

import dev.switchboard.plugins.kong.jwt.Signatures;
import dev.switchboard.plugins.kong.policy.Consumer;
import dev.switchboard.plugins.kong.policy.JwtCredential;
import dev.switchboard.plugins.kong.policy.Policy;
import tools.jackson.databind.json.JsonMapper;

import java.nio.charset.StandardCharsets;
import java.security.Key;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Access and refresh tokens for the embedded default, when no identity provider issues them: an
 * access token is a JWT signed with one of the policy's HS* credentials, so the jwt plugin (here
 * or in a real Kong with the same file) accepts it; a refresh token is an opaque random string,
 * used once. Each refresh returns a new pair (rotation). Presenting a refresh token a second time
 * means it was copied: every refresh token descending from the same login is revoked, and the
 * thief and the owner both have to log in again (OAuth 2.0 Security BCP, refresh token rotation).
 * Access tokens already issued stay valid until they expire ({@code access_ttl}).
 *
 * <p>Refresh tokens live in this instance's memory (only their SHA-256 hashes): a restart, or
 * another instance, does not know them, and the user logs in again.
 */
final class TokenService {

    /** A refusal: the OAuth 2.0 error code and a sentence for people. */
    static final class TokenException extends Exception {
        private static final long serialVersionUID = 1L;
        final int status;
        final String error;

        TokenException(int status, String error, String detail) {
            super(detail);
            this.status = status;
            this.error = error;
        }
    }

    record Issued(String accessToken, long expiresIn, String refreshToken, long refreshExpiresIn) {
    }

    private record Refresh(String family, String consumerId, long expiresAtMillis, AtomicBoolean used) {
    }

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final int SWEEP_EVERY = 1_024;

    private final KongConfig config;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, Refresh> refreshTokens = new ConcurrentHashMap<>();
    private final Map<String, Long> revokedFamilies = new ConcurrentHashMap<>();
    private final AtomicInteger issued = new AtomicInteger();

    TokenService(KongConfig config, Clock clock) {
        this.config = config;
        this.clock = clock;
    }

    /** Logs a consumer in with one of its {@code basicauth_credentials}. */
    Issued login(Policy policy, String username, String password) throws TokenException {
        Policy.BasicCredential credential = policy.basicCredentials().get(username);
        // Compare even for an unknown user, so that timing does not tell which users exist.
        String expected = credential == null ? "\u0000no such user" : credential.password();
        boolean matches = MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8), password.getBytes(StandardCharsets.UTF_8));
        if (credential == null || !matches) {
            throw new TokenException(401, "invalid_grant", "Unknown username or wrong password.");
        }
        return issue(policy, credential.consumer(), newId());
    }

    /** Exchanges a refresh token for a new pair; a second use of one revokes its whole family. */
    Issued refresh(Policy policy, String refreshToken) throws TokenException {
        Refresh entry = refreshTokens.get(hash(refreshToken));
        long now = clock.millis();
        if (entry == null || entry.expiresAtMillis() <= now) {
            throw new TokenException(401, "invalid_grant", "The refresh token is unknown, expired or revoked; log in again.");
        }
        if (revokedFamilies.containsKey(entry.family())) {
            throw new TokenException(401, "invalid_grant", "The refresh token was revoked; log in again.");
        }
        if (!entry.used().compareAndSet(false, true)) {
            // Every refresh token of this login goes, and the family stays revoked as long as any
            // of its tokens could still be presented.
            revokedFamilies.put(entry.family(), now + config.tokens().refreshTtl().toMillis());
            refreshTokens.values().removeIf(other -> other.family().equals(entry.family()));
            throw new TokenException(401, "invalid_grant",
                    "The refresh token was already used, so it may have been stolen: every token of this login is revoked; log in again.");
        }
        Consumer consumer = policy.consumers().get(entry.consumerId());
        if (consumer == null) {
            throw new TokenException(401, "invalid_grant", "The consumer of this refresh token is no longer in the policy.");
        }
        return issue(policy, consumer, entry.family());
    }

    private Issued issue(Policy policy, Consumer consumer, String family) throws TokenException {
        KongConfig.Tokens tokens = config.tokens();
        JwtCredential credential = policy.credentials().get(tokens.credential());
        Optional<Key> key = credential == null || !credential.algorithm().symmetric() ? Optional.empty() : credential.verificationKey(false);
        if (key.isEmpty()) {
            throw new TokenException(503, "temporarily_unavailable", "Token issuing is not set up: kong.tokens.credential ('"
                    + tokens.credential() + "') names no HS256/384/512 credential with a usable secret in the policy.");
        }
        long now = clock.millis();
        if (issued.incrementAndGet() % SWEEP_EVERY == 0) {
            refreshTokens.values().removeIf(r -> r.expiresAtMillis() <= now);
            revokedFamilies.values().removeIf(expires -> expires <= now);
        }
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("iss", credential.key());
        claims.put(config.subjectClaim(), consumer.customId() != null ? consumer.customId() : consumer.displayName());
        claims.put("consumer", consumer.username() != null ? consumer.username() : consumer.id());
        claims.put(config.rolesClaim(), consumer.groups());
        claims.put("iat", now / 1000);
        claims.put("nbf", now / 1000);
        claims.put("exp", now / 1000 + tokens.accessTtl().toSeconds());
        claims.put("jti", newId());
        Map<String, Object> header = Map.of("alg", credential.algorithm().name(), "typ", "JWT");
        String access = Signatures.sign(credential.algorithm(), key.get(), JSON.writeValueAsString(header), JSON.writeValueAsString(claims));
        String refresh = newId() + newId();
        refreshTokens.put(hash(refresh), new Refresh(family, consumer.id(), now + tokens.refreshTtl().toMillis(), new AtomicBoolean()));
        return new Issued(access, tokens.accessTtl().toSeconds(), refresh, tokens.refreshTtl().toSeconds());
    }

    private String newId() {
        byte[] bytes = new byte[16];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static String hash(String token) {
        try {
            return Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
