package dev.switchboard.plugins.kong;

import dev.switchboard.api.AddressRange;
import dev.switchboard.api.RequestView;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code kong.trusted_proxies}: the addresses of a real Kong (or other proxy) in front, whose
 * {@code X-Forwarded-For} and {@code X-Consumer-*} headers are believed, and from nowhere else.
 */
final class TrustedProxies {

    private final List<AddressRange> ranges;

    /** @throws IllegalArgumentException naming {@code kong.trusted_proxies} when an entry is no address or CIDR block */
    TrustedProxies(List<String> entries) {
        try {
            this.ranges = entries.stream().map(AddressRange::parse).toList();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("kong.trusted_proxies: " + e.getMessage(), e);
        }
    }

    /** Whether {@code address} is one of them. */
    boolean contains(String address) {
        for (AddressRange range : ranges) {
            if (range.contains(address)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The client's address: the connection's, or behind trusted proxies the nearest address in
     * {@code X-Forwarded-For} that is not itself a trusted proxy.
     */
    String clientAddress(RequestView request) {
        String address = request.remoteAddress();
        if (!contains(address)) {
            return address;
        }
        List<String> hops = new ArrayList<>();
        for (String header : request.headers("X-Forwarded-For")) {
            for (String hop : header.split(",")) {
                if (!hop.isBlank()) {
                    hops.add(hop.strip());
                }
            }
        }
        for (int i = hops.size() - 1; i >= 0; i--) {
            if (!contains(hops.get(i))) {
                return hops.get(i);
            }
            address = hops.get(i);
        }
        return address;
    }
}
