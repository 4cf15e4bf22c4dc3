package dev.switchboard.plugins.kong.jwt;

import io.jsonwebtoken.Jwts;
import io.jsonwebtoken.security.SecureDigestAlgorithm;

import java.security.Key;
import java.security.interfaces.ECKey;
import java.security.interfaces.EdECKey;
import java.security.interfaces.RSAKey;
import java.util.Optional;
import javax.crypto.SecretKey;

/** The JWS algorithms a Kong {@code jwt_secrets} credential may name (Kong 3.9's list). */
public enum JwtAlgorithm {
    HS256(256), HS384(384), HS512(512),
    RS256(2048), RS384(2048), RS512(2048),
    PS256(2048), PS384(2048), PS512(2048),
    ES256(256), ES384(384), ES512(521),
    EdDSA(0);

    /** Smallest key size in bits: the hash size for HMAC (RFC 7518 §3.2), the modulus for RSA, the curve for ECDSA. */
    private final int keyBits;

    JwtAlgorithm(int keyBits) {
        this.keyBits = keyBits;
    }

    /** The algorithm named exactly {@code name} (case matters, as in JOSE); empty for anything else, {@code none} included. */
    public static Optional<JwtAlgorithm> named(String name) {
        for (JwtAlgorithm algorithm : values()) {
            if (algorithm.name().equals(name)) {
                return Optional.of(algorithm);
            }
        }
        return Optional.empty();
    }

    /** Whether the key is a secret (HS*) rather than a public key. */
    public boolean symmetric() {
        return this == HS256 || this == HS384 || this == HS512;
    }

    /**
     * Why {@code key} cannot verify this algorithm's signatures, or empty when it can: a secret for
     * HS*, an RSA key of at least 2048 bits for RS* and PS*, the algorithm's own curve for ES*,
     * an Ed25519 or Ed448 key for EdDSA.
     */
    public Optional<String> unsuitable(Key key) {
        return switch (this) {
            case HS256, HS384, HS512 -> key instanceof SecretKey secret && secret.getEncoded() != null
                    ? (secret.getEncoded().length * 8 < keyBits
                            ? Optional.of(name() + " needs a secret of at least " + keyBits / 8 + " bytes (RFC 7518 §3.2); this one has "
                                    + secret.getEncoded().length)
                            : Optional.empty())
                    : Optional.of(name() + " needs a secret");
            case RS256, RS384, RS512, PS256, PS384, PS512 -> key instanceof RSAKey rsa
                    ? (rsa.getModulus().bitLength() < keyBits
                            ? Optional.of(name() + " needs an RSA key of at least 2048 bits; this one has " + rsa.getModulus().bitLength())
                            : Optional.empty())
                    : Optional.of(name() + " needs an RSA public key");
            case ES256, ES384, ES512 -> key instanceof ECKey ec
                    ? (ec.getParams().getCurve().getField().getFieldSize() != keyBits
                            ? Optional.of(name() + " needs a key on the P-" + keyBits + " curve; this one is on a "
                                    + ec.getParams().getCurve().getField().getFieldSize() + "-bit curve")
                            : Optional.empty())
                    : Optional.of(name() + " needs an EC public key");
            case EdDSA -> key instanceof EdECKey ? Optional.empty() : Optional.of("EdDSA needs an Ed25519 or Ed448 public key");
        };
    }

    @SuppressWarnings("unchecked")
    SecureDigestAlgorithm<Key, Key> jjwt() {
        return (SecureDigestAlgorithm<Key, Key>) Jwts.SIG.get().forKey(name());
    }
}
