package dev.switchboard.runtime.http;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.core.MediaType;

/**
 * Every event stream (core or plugin) tells caches not to keep it and reverse proxies (nginx, and
 * Kong, which runs on nginx) not to buffer it: {@code Cache-Control: no-cache},
 * {@code X-Accel-Buffering: no}.
 */
public final class SseHeadersFilter implements ContainerResponseFilter {

    @Override
    public void filter(ContainerRequestContext request, ContainerResponseContext response) {
        MediaType type = response.getMediaType();
        if (type != null && MediaType.SERVER_SENT_EVENTS_TYPE.isCompatible(type)) {
            response.getHeaders().putSingle("Cache-Control", "no-cache");
            response.getHeaders().putSingle("X-Accel-Buffering", "no");
        }
    }
}
