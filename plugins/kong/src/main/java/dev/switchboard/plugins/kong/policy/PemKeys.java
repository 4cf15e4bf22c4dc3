package dev.switchboard.plugins.kong.policy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Public keys from PEM, as Kong's {@code rsa_public_key} takes them: {@code PUBLIC KEY}
 * (SubjectPublicKeyInfo: RSA, EC, Ed25519, Ed448), {@code RSA PUBLIC KEY} (PKCS #1), or a
 * {@code CERTIFICATE} whose key is used.
 */
final class PemKeys {

    private static final Pattern BLOCK = Pattern.compile("-----BEGIN ([A-Z ]+)-----([A-Za-z0-9+/=\\s]+)-----END \\1-----");
    /** AlgorithmIdentifier of rsaEncryption (1.2.840.113549.1.1.1) with NULL parameters. */
    private static final byte[] RSA_ALGORITHM = {0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x01,
            0x01, 0x05, 0x00};

    private PemKeys() {
    }

    static PublicKey parse(String pem) throws IllegalArgumentException {
        Matcher matcher = BLOCK.matcher(pem.strip());
        if (!matcher.find()) {
            throw new IllegalArgumentException("not a PEM block (-----BEGIN PUBLIC KEY----- ... -----END PUBLIC KEY-----)");
        }
        String type = matcher.group(1);
        byte[] der;
        try {
            der = Base64.getMimeDecoder().decode(matcher.group(2).replaceAll("\\s", ""));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the PEM body is not base64");
        }
        return switch (type) {
            case "PUBLIC KEY" -> spki(der);
            case "RSA PUBLIC KEY" -> spki(sequence(concat(RSA_ALGORITHM, bitString(der))));
            case "CERTIFICATE" -> {
                try {
                    yield CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der)).getPublicKey();
                } catch (CertificateException e) {
                    throw new IllegalArgumentException("the certificate does not parse: " + e.getMessage());
                }
            }
            default -> throw new IllegalArgumentException("a " + type + " PEM block holds no public key; "
                    + "give a PUBLIC KEY, RSA PUBLIC KEY or CERTIFICATE block (never a private key)");
        };
    }

    private static PublicKey spki(byte[] der) {
        for (String algorithm : List.of("RSA", "EC", "EdDSA")) {
            try {
                return KeyFactory.getInstance(algorithm).generatePublic(new X509EncodedKeySpec(der));
            } catch (Exception e) {
                // Try the next key type.
            }
        }
        throw new IllegalArgumentException("the public key is not an RSA, EC, Ed25519 or Ed448 key");
    }

    private static byte[] bitString(byte[] content) {
        return tagged(0x03, concat(new byte[] {0}, content));
    }

    private static byte[] sequence(byte[] content) {
        return tagged(0x30, content);
    }

    private static byte[] tagged(int tag, byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(tag);
        int length = content.length;
        if (length < 0x80) {
            out.write(length);
        } else {
            byte[] bytes = java.math.BigInteger.valueOf(length).toByteArray();
            int skip = bytes[0] == 0 ? 1 : 0;
            out.write(0x80 | (bytes.length - skip));
            out.write(bytes, skip, bytes.length - skip);
        }
        out.writeBytes(content);
        return out.toByteArray();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
