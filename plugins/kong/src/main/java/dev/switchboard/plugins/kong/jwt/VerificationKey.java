package dev.switchboard.plugins.kong.jwt;

import io.jsonwebtoken.security.Jwk;
import io.jsonwebtoken.security.Jwks;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

import java.security.Key;
import java.security.PublicKey;
import java.security.interfaces.ECKey;
import java.security.interfaces.EdECKey;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A key that verifies JWS signatures, and the one algorithm it verifies them with. A token is
 * checked with the key's algorithm, never with the algorithm the token names: a token naming
 * another one (HS256 against an RSA key, {@code none}) is refused before any cryptography.
 */
public record VerificationKey(JwtAlgorithm algorithm, Key key) {

    private static final ObjectMapper JSON = JsonMapper.builder().build();

    /**
     * The verification key a JWK (RFC 7517) describes, or empty when it is not meant for
     * verifying signatures: {@code use} other than {@code sig}, {@code key_ops} without
     * {@code verify}, or no algorithm this gateway knows. The algorithm is the JWK's {@code alg};
     * without one it follows from the key when the key allows only one (an EC curve, an Ed key).
     */
    public static Optional<VerificationKey> fromJwk(Map<String, ?> jwk) {
        Object use = jwk.get("use");
        if (use != null && !"sig".equals(use)) {
            return Optional.empty();
        }
        if (jwk.get("key_ops") instanceof Collection<?> operations && !operations.contains("verify")) {
            return Optional.empty();
        }
        Jwk<?> parsed;
        try {
            parsed = Jwks.builder().add(jwk).build();
        } catch (RuntimeException e) {
            return Optional.empty();
        }
        Key key = parsed.toKey();
        if (parsed instanceof io.jsonwebtoken.security.PrivateJwk<?, ?, ?> pair) {
            key = pair.toPublicJwk().toKey();
        }
        Optional<JwtAlgorithm> algorithm = jwk.get("alg") instanceof String name ? JwtAlgorithm.named(name) : Optional.empty();
        if (algorithm.isEmpty()) {
            algorithm = implied(key);
        }
        Key verifying = key;
        return algorithm.filter(a -> a.unsuitable(verifying).isEmpty()).map(a -> new VerificationKey(a, verifying));
    }

    private static Optional<JwtAlgorithm> implied(Key key) {
        if (key instanceof EdECKey && key instanceof PublicKey) {
            return Optional.of(JwtAlgorithm.EdDSA);
        }
        if (key instanceof ECKey ec) {
            return switch (ec.getParams().getCurve().getField().getFieldSize()) {
                case 256 -> Optional.of(JwtAlgorithm.ES256);
                case 384 -> Optional.of(JwtAlgorithm.ES384);
                case 521 -> Optional.of(JwtAlgorithm.ES512);
                default -> Optional.empty();
            };
        }
        return Optional.empty();
    }

    /** Whether {@code token} is a compact JWS naming this key's algorithm and signed with this key. */
    public boolean verifies(String token) {
        Optional<CompactJws> jws = CompactJws.parse(token);
        if (jws.isEmpty()) {
            return false;
        }
        Optional<String> alg = headerAlgorithm(jws.get().header());
        return alg.isPresent() && alg.get().equals(algorithm.name()) && Signatures.verify(algorithm, key, jws.get());
    }

    static Optional<String> headerAlgorithm(byte[] header) {
        try {
            JsonNode node = JSON.readTree(header);
            return node != null && node.isObject() && node.get("alg") != null && node.get("alg").isString()
                    ? Optional.of(node.get("alg").asString()) : Optional.empty();
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }
}
