package dev.switchboard.runtime.gateway;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** A request whose headers gateway filters may have set; everything else is the original's. */
final class GatewayRequest extends HttpServletRequestWrapper {

    private final Map<String, String> overrides = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);

    GatewayRequest(HttpServletRequest request) {
        super(request);
    }

    void setHeader(String name, String value) {
        overrides.put(name, value);
    }

    @Override
    public String getHeader(String name) {
        return overrides.containsKey(name) ? overrides.get(name) : super.getHeader(name);
    }

    @Override
    public Enumeration<String> getHeaders(String name) {
        if (overrides.containsKey(name)) {
            return Collections.enumeration(List.of(overrides.get(name)));
        }
        return super.getHeaders(name);
    }

    @Override
    public Enumeration<String> getHeaderNames() {
        Set<String> names = new LinkedHashSet<>();
        for (Enumeration<String> e = super.getHeaderNames(); e.hasMoreElements(); ) {
            names.add(e.nextElement());
        }
        for (String name : overrides.keySet()) {
            if (names.stream().noneMatch(n -> n.equalsIgnoreCase(name))) {
                names.add(name);
            }
        }
        return Collections.enumeration(new ArrayList<>(names));
    }

    @Override
    public int getIntHeader(String name) {
        String value = getHeader(name);
        return value == null ? -1 : Integer.parseInt(value.strip());
    }

    @Override
    public long getDateHeader(String name) {
        if (overrides.containsKey(name)) {
            throw new IllegalArgumentException("header " + name.toLowerCase(Locale.ROOT) + " was set by a gateway filter as text");
        }
        return super.getDateHeader(name);
    }
}
