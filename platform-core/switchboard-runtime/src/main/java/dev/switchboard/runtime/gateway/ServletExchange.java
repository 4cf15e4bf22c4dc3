package dev.switchboard.runtime.gateway;

import dev.switchboard.api.GatewayExchange;
import dev.switchboard.api.Principal;
import dev.switchboard.api.RequestTimings;
import dev.switchboard.api.ResponseView;
import dev.switchboard.runtime.http.CommitHooks;
import dev.switchboard.runtime.http.Problems;
import dev.switchboard.runtime.http.RouteTemplates;
import dev.switchboard.runtime.http.Timings;
import dev.switchboard.runtime.lang.ContextLoader;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/** A servlet request and response, seen through the {@link GatewayExchange} API. */
final class ServletExchange extends ServletRequestView implements GatewayExchange {

    private final GatewayRequest request;
    private final HttpServletResponse response;
    private final ResponseView view;
    private boolean responded;

    ServletExchange(HttpServletRequest request, HttpServletResponse response, String path) {
        this(new GatewayRequest(request), response, path);
    }

    private ServletExchange(GatewayRequest request, HttpServletResponse response, String path) {
        super(request, path);
        this.request = request;
        this.response = response;
        this.view = new View(request, response);
    }

    /** The servlet response, read live. */
    private record View(HttpServletRequest request, HttpServletResponse response) implements ResponseView {
        @Override
        public int status() {
            return response.getStatus();
        }

        @Override
        public Optional<String> header(String name) {
            return Optional.ofNullable(response.getHeader(name));
        }

        @Override
        public List<String> headers(String name) {
            return List.copyOf(response.getHeaders(name));
        }

        @Override
        public Optional<String> contentType() {
            return Optional.ofNullable(response.getContentType());
        }

        @Override
        public boolean committed() {
            return response.isCommitted();
        }

        @Override
        public Optional<String> route() {
            return request.getAttribute(RouteTemplates.ATTRIBUTE) instanceof String template ? Optional.of(template) : Optional.empty();
        }
    }

    /** The request as the route should see it (with headers filters set). */
    HttpServletRequest request() {
        return request;
    }

    @Override
    public Optional<Principal> principal() {
        return RequestAuthentication.of(request).principal(request);
    }

    @Override
    public void authenticate(Principal principal) {
        RequestAuthentication.of(request).authenticated(java.util.Objects.requireNonNull(principal, "principal"));
    }

    @Override
    public void setRequestHeader(String name, String value) {
        request.setHeader(name, java.util.Objects.requireNonNull(value, "value"));
    }

    @Override
    public void removeRequestHeader(String name) {
        request.removeHeader(name);
    }

    @Override
    public Optional<byte[]> body(int maxBytes) throws IOException {
        return request.body(maxBytes);
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
    public ResponseView response() {
        return view;
    }

    @Override
    public void beforeCommit(Runnable action) {
        hooks().add(underCallersLoader(action));
    }

    @Override
    public void afterCompletion(Runnable action) {
        hooks().addCompletion(underCallersLoader(action));
    }

    private CommitHooks hooks() {
        if (!(request.getAttribute(CommitHooks.ATTRIBUTE) instanceof CommitHooks hooks)) {
            throw new IllegalStateException("this request is not served by the host's connector: there is no commit to hook");
        }
        return hooks;
    }

    /** Registered while the filter runs, so under its plugin's class loader: run it under the same. */
    private static Runnable underCallersLoader(Runnable action) {
        java.util.Objects.requireNonNull(action, "action");
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        return () -> ContextLoader.run(loader, action::run);
    }

    @Override
    public RequestTimings timings() {
        return Timings.of(request);
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
