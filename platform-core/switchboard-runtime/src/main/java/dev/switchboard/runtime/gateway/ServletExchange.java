package dev.switchboard.runtime.gateway;

import dev.switchboard.api.GatewayExchange;
import dev.switchboard.runtime.web.Problems;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/** A servlet request and response, seen through the {@link GatewayExchange} API. */
final class ServletExchange implements GatewayExchange {

    private final GatewayRequest request;
    private final HttpServletResponse response;
    private final String path;
    private boolean responded;

    ServletExchange(HttpServletRequest request, HttpServletResponse response, String path) {
        this.request = new GatewayRequest(request);
        this.response = response;
        this.path = path;
    }

    /** The request as the route should see it (with headers filters set). */
    HttpServletRequest request() {
        return request;
    }

    @Override
    public String method() {
        return request.getMethod();
    }

    @Override
    public String path() {
        return path;
    }

    @Override
    public Optional<String> query() {
        return Optional.ofNullable(request.getQueryString());
    }

    @Override
    public Optional<String> queryParam(String name) {
        String query = request.getQueryString();
        if (query == null) {
            return Optional.empty();
        }
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            String key = decode(eq < 0 ? pair : pair.substring(0, eq));
            if (key.equals(name)) {
                return Optional.of(eq < 0 ? "" : decode(pair.substring(eq + 1)));
            }
        }
        return Optional.empty();
    }

    private static String decode(String text) {
        try {
            return URLDecoder.decode(text, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return text;
        }
    }

    @Override
    public Optional<String> header(String name) {
        return Optional.ofNullable(request.getHeader(name));
    }

    @Override
    public List<String> headers(String name) {
        return new ArrayList<>(Collections.list(request.getHeaders(name)));
    }

    @Override
    public Optional<String> cookie(String name) {
        Cookie[] cookies = request.getCookies();
        if (cookies != null) {
            for (Cookie cookie : cookies) {
                if (cookie.getName().equals(name)) {
                    return Optional.of(cookie.getValue());
                }
            }
        }
        return Optional.empty();
    }

    @Override
    public String remoteAddress() {
        return request.getRemoteAddr();
    }

    @Override
    public boolean secure() {
        return request.isSecure();
    }

    @Override
    public void setRequestHeader(String name, String value) {
        request.setHeader(name, value);
    }

    @Override
    public Optional<Object> attribute(String name) {
        return Optional.ofNullable(request.getAttribute(name));
    }

    @Override
    public void setAttribute(String name, Object value) {
        request.setAttribute(name, value);
    }

    @Override
    public void setResponseHeader(String name, String value) {
        response.setHeader(name, value);
    }

    @Override
    public void addResponseHeader(String name, String value) {
        response.addHeader(name, value);
    }

    @Override
    public void respond(int status, String contentType, String body) {
        if (responded) {
            throw new IllegalStateException("this request has already been answered");
        }
        responded = true;
        response.setStatus(status);
        if (contentType != null) {
            // The body is written as UTF-8; text types say so, JSON types are UTF-8 by definition.
            response.setContentType(contentType.startsWith("text/") && !contentType.contains("charset")
                    ? contentType + ";charset=utf-8" : contentType);
        }
        if (body != null && !body.isEmpty()) {
            try {
                byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
                response.setContentLength(bytes.length);
                response.getOutputStream().write(bytes);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    @Override
    public void respondProblem(int status, String detail) {
        respond(status, Problems.MEDIA_TYPE, Problems.json(status, detail));
    }

    @Override
    public boolean responded() {
        return responded;
    }
}
