package dev.switchboard.api;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Optional;

/**
 * An IP address or CIDR block ({@code 10.0.0.0/8}, {@code ::1}, {@code 127.0.0.0/8}), written as
 * a literal, never a host name: for a plugin setting that says which clients may do something,
 * matched against {@link RequestView#remoteAddress()}.
 *
 * @since 0.1.0
 */
public final class AddressRange {

    private final byte[] network;
    private final int prefix;
    private final String text;

    private AddressRange(byte[] network, int prefix, String text) {
        this.network = network;
        this.prefix = prefix;
        this.text = text;
    }

    /**
     * Parses an address or block.
     *
     * @throws IllegalArgumentException when {@code text} is neither, saying why
     */
    public static AddressRange parse(String text) {
        String value = text.strip();
        int slash = value.indexOf('/');
        String address = slash < 0 ? value : value.substring(0, slash);
        byte[] bytes = literal(address).orElseThrow(() -> new IllegalArgumentException(
                "'" + text + "' is not an IP address or CIDR block (host names are not accepted)"));
        int prefix = bytes.length * 8;
        if (slash >= 0) {
            try {
                prefix = Integer.parseInt(value.substring(slash + 1));
            } catch (NumberFormatException e) {
                prefix = -1;
            }
            if (prefix < 0 || prefix > bytes.length * 8) {
                throw new IllegalArgumentException("'" + text + "' has a prefix length outside 0-" + bytes.length * 8);
            }
        }
        return new AddressRange(bytes, prefix, value);
    }

    /** Whether {@code address} (an IP literal; IPv4-mapped IPv6 counts as IPv4) lies in this range; false for anything else. */
    public boolean contains(String address) {
        Optional<byte[]> bytes = literal(address);
        if (bytes.isEmpty() || bytes.get().length != network.length) {
            return false;
        }
        int bits = network.length * 8;
        BigInteger mask = prefix == 0 ? BigInteger.ZERO
                : BigInteger.ONE.shiftLeft(bits).subtract(BigInteger.ONE).shiftRight(bits - prefix).shiftLeft(bits - prefix);
        return new BigInteger(1, bytes.get()).and(mask).equals(new BigInteger(1, network).and(mask));
    }

    /** The bytes of an IP literal (IPv4-mapped IPv6 addresses as IPv4); empty for anything else. */
    private static Optional<byte[]> literal(String address) {
        String bare = address.strip();
        if (bare.startsWith("[") && bare.endsWith("]")) {
            bare = bare.substring(1, bare.length() - 1);
        }
        if (bare.isEmpty() || !bare.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == '.' || c == ':')) {
            return Optional.empty();
        }
        try {
            // Only hex digits, dots and colons: a literal, so no name lookup happens.
            return Optional.of(InetAddress.getByName(bare).getAddress());
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof AddressRange range && prefix == range.prefix && Arrays.equals(network, range.network);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(network) + prefix;
    }

    /** As it was written. */
    @Override
    public String toString() {
        return text;
    }
}
