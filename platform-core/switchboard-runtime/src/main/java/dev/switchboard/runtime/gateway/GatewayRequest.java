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

    /** Hides the client's header; recorded as an override without a value. */
    void removeHeader(String name) {
        overrides.put(name, null);
    }

    @Override
    public String getHeader(String name) {
        return overrides.containsKey(name) ? overrides.get(name) : super.getHeader(name);
    }

    @Override
    public Enumeration<String> getHeaders(String name) {
        if (overrides.containsKey(name)) {
            String value = overrides.get(name);
            return Collections.enumeration(value == null ? List.of() : List.of(value));
        }
        return super.getHeaders(name);
    }

    @Override
    public Enumeration<String> getHeaderNames() {
        Set<String> names = new LinkedHashSet<>();
        for (Enumeration<String> e = super.getHeaderNames(); e.hasMoreElements(); ) {
            String name = e.nextElement();
            if (!overrides.containsKey(name) || overrides.get(name) != null) {
                names.add(name);
            }
        }
        overrides.forEach((name, value) -> {
            if (value != null && names.stream().noneMatch(n -> n.equalsIgnoreCase(name))) {
                names.add(name);
            }
        });
        return Collections.enumeration(new ArrayList<>(names));
    }

    @Override
    public int getIntHeader(String name) {
        String value = getHeader(name);
        return value == null ? -1 : Integer.parseInt(value.strip());
    }

    @Override
    public long getDateHeader(String name) {
        if (overrides.containsKey(name) && overrides.get(name) == null) {
            return -1;
        }
        if (overrides.containsKey(name)) {
            throw new IllegalArgumentException("header " + name.toLowerCase(Locale.ROOT) + " was set by a gateway filter as text");
        }
        return super.getDateHeader(name);
    }
}
