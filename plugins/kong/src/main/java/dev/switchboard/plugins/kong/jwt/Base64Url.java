package dev.switchboard.plugins.kong.jwt;

import java.util.Base64;
import java.util.Optional;

/**
 * Strict base64url (RFC 7515 §2): the URL-safe alphabet only, no padding, no white space, and the
 * canonical encoding only (unused trailing bits zero). Lenient decoders accept several spellings
 * of one token, which lets a signed token be altered without touching its signature.
 */
final class Base64Url {

    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();

    private Base64Url() {
    }

    static Optional<byte[]> decode(String text) {
        if (text.length() % 4 == 1) {
            return Optional.empty();
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
            if (!ok) {
                return Optional.empty();
            }
        }
        byte[] bytes = DECODER.decode(text);
        return ENCODER.encodeToString(bytes).equals(text) ? Optional.of(bytes) : Optional.empty();
    }

    static String encode(byte[] bytes) {
        return ENCODER.encodeToString(bytes);
    }
}
