package dev.switchboard.plugins.kong.policy;

import dev.switchboard.plugins.kong.jwt.JwtAlgorithm;

import java.nio.charset.StandardCharsets;
import java.security.Key;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.spec.SecretKeySpec;

/**
 * One entry of a consumer's {@code jwt_secrets}: the value of the key claim that selects it, the
 * one algorithm its tokens must name, and the secret or public key that verifies them.
 *
 * @param publicKey the parsed {@code rsa_public_key} (any asymmetric algorithm); null for HS*
 */
public record JwtCredential(String id, String key, JwtAlgorithm algorithm, String secret, Key publicKey, Consumer consumer) {

    /**
     * The key that verifies this credential's tokens. An HMAC secret is used as UTF-8 bytes, or
     * base64-decoded when the jwt plugin says {@code secret_is_base64}; empty when it does not
     * decode or is too short for the algorithm.
     */
    public Optional<Key> verificationKey(boolean secretIsBase64) {
        if (!algorithm.symmetric()) {
            return Optional.ofNullable(publicKey);
        }
        if (secret == null) {
            return Optional.empty();
        }
        byte[] bytes;
        try {
            bytes = secretIsBase64 ? Base64.getDecoder().decode(secret) : secret.getBytes(StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        if (bytes.length == 0) {
            return Optional.empty();
        }
        Key key = new SecretKeySpec(bytes, "Hmac" + algorithm.name().replace("HS", "SHA"));
        return algorithm.unsuitable(key).isEmpty() ? Optional.of(key) : Optional.empty();
    }

    @Override
    public String toString() {
        // Never the secret.
        return "JwtCredential[key=" + key + ", algorithm=" + algorithm + ", consumer=" + consumer.displayName() + "]";
    }
}
