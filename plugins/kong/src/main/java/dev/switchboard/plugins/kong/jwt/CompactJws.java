package dev.switchboard.plugins.kong.jwt;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * A JWS in compact serialization, split into its three parts and decoded, before anything in it is
 * trusted. Only the compact form is accepted (a JSON-serialized JWS is not a bearer token).
 *
 * @param signingInput what the signature covers: the encoded header, a dot, the encoded payload
 */
public record CompactJws(String signingInput, byte[] header, byte[] payload, byte[] signature) {

    /** The token's parts, or empty when it is not exactly three strict base64url parts. */
    public static Optional<CompactJws> parse(String token) {
        int first = token.indexOf('.');
        int second = first < 0 ? -1 : token.indexOf('.', first + 1);
        if (second < 0 || token.indexOf('.', second + 1) >= 0) {
            return Optional.empty();
        }
        Optional<byte[]> header = Base64Url.decode(token.substring(0, first));
        Optional<byte[]> payload = Base64Url.decode(token.substring(first + 1, second));
        Optional<byte[]> signature = Base64Url.decode(token.substring(second + 1));
        if (header.isEmpty() || payload.isEmpty() || signature.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new CompactJws(token.substring(0, second), header.get(), payload.get(), signature.get()));
    }

    byte[] signingInputBytes() {
        return signingInput.getBytes(StandardCharsets.US_ASCII);
    }
}
