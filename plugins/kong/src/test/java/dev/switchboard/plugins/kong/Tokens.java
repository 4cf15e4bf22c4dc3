package dev.switchboard.plugins.kong;

import dev.switchboard.plugins.kong.jwt.JwtAlgorithm;
import dev.switchboard.plugins.kong.jwt.Signatures;
import tools.jackson.databind.json.JsonMapper;

import java.nio.charset.StandardCharsets;
import java.security.Key;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import java.util.Map;
import javax.crypto.spec.SecretKeySpec;

/** Signs test tokens and makes the keys and PEM blocks the policy files name. */
final class Tokens {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private Tokens() {
    }

    static String sign(JwtAlgorithm algorithm, Key key, Map<String, ?> claims) {
        return sign(algorithm, key, Map.of("alg", algorithm.name(), "typ", "JWT"), claims);
    }

    static String sign(JwtAlgorithm algorithm, Key key, Map<String, ?> header, Map<String, ?> claims) {
        return Signatures.sign(algorithm, key, JSON.writeValueAsString(header), JSON.writeValueAsString(claims));
    }

    static Key hmac(String secret) {
        return new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256");
    }

    static KeyPair rsa() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        return generator.generateKeyPair();
    }

    static KeyPair ec256() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        return generator.generateKeyPair();
    }

    static String pem(java.security.PublicKey key) {
        return "-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(key.getEncoded())
                + "\n-----END PUBLIC KEY-----\n";
    }

    /** Indents a PEM block for a YAML literal block at {@code spaces}. */
    static String yamlBlock(String pem, int spaces) {
        return pem.strip().lines().map(line -> " ".repeat(spaces) + line).reduce((a, b) -> a + "\n" + b).orElse("");
    }

    static long now() {
        return System.currentTimeMillis() / 1000;
    }
}
