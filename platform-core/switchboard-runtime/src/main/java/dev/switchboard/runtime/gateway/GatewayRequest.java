package dev.switchboard.runtime.gateway;

import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * A request whose headers gateway filters may have set, and whose body a filter may have read
 * ahead (the route then reads the kept bytes, and the rest of the body after them); everything
 * else is the original's.
 */
final class GatewayRequest extends HttpServletRequestWrapper {

    private final Map<String, String> overrides = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    /** The bytes read ahead by {@link #body}, or null when no filter read the body. */
    private byte[] readAhead;
    /** Whether {@link #readAhead} is the whole body. */
    private boolean wholeBody;
    private ServletInputStream handedOut;
    private Map<String, String[]> formParameters;

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

    /** The body if it has at most {@code maxBytes}; the bytes read are kept for the route either way. */
    Optional<byte[]> body(int maxBytes) throws IOException {
        if (maxBytes < 0) {
            throw new IllegalArgumentException("maxBytes must not be negative");
        }
        if (handedOut != null) {
            throw new IllegalStateException("the body was already handed to the route");
        }
        if (readAhead == null || !wholeBody && readAhead.length <= maxBytes) {
            ServletInputStream in = super.getInputStream();
            byte[] start = readAhead == null ? new byte[0] : readAhead;
            // One byte past the limit tells "exactly the limit" from "more"; computed in long, as
            // maxBytes may be Integer.MAX_VALUE (an array cannot be larger anyway).
            int want = (int) Math.min(Integer.MAX_VALUE - 16L, (long) maxBytes + 1 - start.length);
            byte[] more = in.readNBytes(Math.max(0, want));
            readAhead = Arrays.copyOf(start, start.length + more.length);
            System.arraycopy(more, 0, readAhead, start.length, more.length);
            wholeBody = readAhead.length <= maxBytes;
        }
        return wholeBody && readAhead.length <= maxBytes ? Optional.of(readAhead.clone()) : Optional.empty();
    }

    @Override
    public ServletInputStream getInputStream() throws IOException {
        if (readAhead == null) {
            return super.getInputStream();
        }
        if (handedOut == null) {
            handedOut = new ReadAheadStream(readAhead, wholeBody ? null : super.getInputStream());
        }
        return handedOut;
    }

    @Override
    public BufferedReader getReader() throws IOException {
        if (readAhead == null) {
            return super.getReader();
        }
        return new BufferedReader(new InputStreamReader(getInputStream(), charset()));
    }

    /** The request's charset, else the application's default, else ISO-8859-1 (the servlet default). */
    private Charset charset() throws java.io.UnsupportedEncodingException {
        String encoding = getCharacterEncoding();
        if (encoding == null && getServletContext() != null) {
            encoding = getServletContext().getRequestCharacterEncoding();
        }
        if (encoding == null) {
            return StandardCharsets.ISO_8859_1;
        }
        try {
            return Charset.forName(encoding);
        } catch (IllegalArgumentException e) {
            throw new java.io.UnsupportedEncodingException(encoding);
        }
    }

    /**
     * Form parameters of a body read ahead: the container would parse them from the body it no
     * longer has, so they are parsed here from the kept bytes (with the query's).
     */
    private Map<String, String[]> formParameters() {
        if (readAhead == null || !wholeBody || getContentType() == null
                || !getContentType().toLowerCase(Locale.ROOT).startsWith("application/x-www-form-urlencoded")) {
            return null;
        }
        if (formParameters == null) {
            Map<String, List<String>> values = new java.util.LinkedHashMap<>();
            Charset charset;
            try {
                charset = charset();
            } catch (java.io.UnsupportedEncodingException e) {
                charset = StandardCharsets.ISO_8859_1;
            }
            for (String source : new String[] {getQueryString(), new String(readAhead, charset)}) {
                if (source == null || source.isEmpty()) {
                    continue;
                }
                for (String pair : source.split("&")) {
                    if (pair.isEmpty()) {
                        continue;
                    }
                    int eq = pair.indexOf('=');
                    String name = java.net.URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), charset);
                    String value = eq < 0 ? "" : java.net.URLDecoder.decode(pair.substring(eq + 1), charset);
                    values.computeIfAbsent(name, n -> new ArrayList<>()).add(value);
                }
            }
            Map<String, String[]> parameters = new java.util.LinkedHashMap<>();
            values.forEach((name, list) -> parameters.put(name, list.toArray(String[]::new)));
            formParameters = java.util.Collections.unmodifiableMap(parameters);
        }
        return formParameters;
    }

    @Override
    public String getParameter(String name) {
        Map<String, String[]> form = formParameters();
        if (form == null) {
            return super.getParameter(name);
        }
        String[] values = form.get(name);
        return values == null ? null : values[0];
    }

    @Override
    public Map<String, String[]> getParameterMap() {
        Map<String, String[]> form = formParameters();
        return form == null ? super.getParameterMap() : form;
    }

    @Override
    public Enumeration<String> getParameterNames() {
        Map<String, String[]> form = formParameters();
        return form == null ? super.getParameterNames() : Collections.enumeration(form.keySet());
    }

    @Override
    public String[] getParameterValues(String name) {
        Map<String, String[]> form = formParameters();
        return form == null ? super.getParameterValues(name) : form.get(name);
    }

    /** The kept bytes, then whatever of the body was not read ahead. */
    private static final class ReadAheadStream extends ServletInputStream {
        private final ByteArrayInputStream kept;
        private final ServletInputStream rest;

        ReadAheadStream(byte[] kept, ServletInputStream rest) {
            this.kept = new ByteArrayInputStream(kept);
            this.rest = rest;
        }

        @Override
        public int read() throws IOException {
            int b = kept.read();
            return b >= 0 || rest == null ? b : rest.read();
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            if (length == 0) {
                return 0;
            }
            int n = kept.read(buffer, offset, length);
            if (n > 0 || rest == null) {
                return n;
            }
            return rest.read(buffer, offset, length);
        }

        @Override
        public boolean isFinished() {
            return kept.available() == 0 && (rest == null || rest.isFinished());
        }

        @Override
        public boolean isReady() {
            return kept.available() > 0 || rest == null || rest.isReady();
        }

        @Override
        public void setReadListener(ReadListener listener) {
            throw new IllegalStateException("a body read ahead by a gateway filter is read with blocking I/O");
        }
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
