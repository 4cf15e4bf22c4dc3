package dev.switchboard.plugins.kong.jwt;

import io.jsonwebtoken.security.VerifySecureDigestRequest;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.security.Key;
import java.security.Provider;
import java.security.SecureRandom;

/**
 * Checks a JWS signature with one algorithm and one key, through jjwt's signature algorithms
 * (which also check the key's strength and, for ECDSA, the signature's length). The algorithm is
 * the credential's, never the token's: the caller has already refused a token whose {@code alg}
 * differs, so a public key is never used as an HMAC secret and {@code none} never gets here.
 */
public final class Signatures {

    private Signatures() {
    }

    /** Whether {@code signature} is {@code algorithm}'s signature of the token's signing input with {@code key}. */
    public static boolean verify(JwtAlgorithm algorithm, Key key, CompactJws jws) {
        if (algorithm.unsuitable(key).isPresent() || jws.signature().length == 0) {
            return false;
        }
        try {
            return algorithm.jjwt().verify(new Request(key, jws.signingInputBytes(), jws.signature()));
        } catch (RuntimeException e) {
            // jjwt reports malformed signatures (wrong length, bad encoding) by throwing.
            return false;
        }
    }

    /**
     * A compact JWS of {@code header} and {@code payload} (JSON texts) signed with {@code algorithm}
     * and {@code key} (a secret, or a private key).
     */
    public static String sign(JwtAlgorithm algorithm, Key key, String header, String payload) {
        String input = Base64Url.encode(header.getBytes(java.nio.charset.StandardCharsets.UTF_8)) + "."
                + Base64Url.encode(payload.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        byte[] signature = algorithm.jjwt().digest(new Request(key, input.getBytes(java.nio.charset.StandardCharsets.US_ASCII), null));
        return input + "." + Base64Url.encode(signature);
    }

    /** What jjwt's algorithms take: the key and the signing input, and for a verification the signature. */
    private record Request(Key key, byte[] payload, byte[] digest) implements VerifySecureDigestRequest<Key> {

        @Override
        public InputStream getPayload() {
            return new ByteArrayInputStream(payload);
        }

        @Override
        public Key getKey() {
            return key;
        }

        @Override
        public byte[] getDigest() {
            return digest;
        }

        @Override
        public Provider getProvider() {
            return null;
        }

        @Override
        public SecureRandom getSecureRandom() {
            return null;
        }
    }
}
