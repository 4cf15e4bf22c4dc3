package dev.switchboard.runtime.http;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.ext.Provider;

/**
 * Gives a problem+json body to error responses that a resource built without one (for example
 * {@code Response.status(404).build()}), so no 4xx/5xx leaves the host empty.
 */
@Provider
public final class ProblemResponseFilter implements ContainerResponseFilter {

    @Override
    public void filter(ContainerRequestContext request, ContainerResponseContext response) {
        int status = response.getStatus();
        if (status >= 400 && !response.hasEntity() && !"HEAD".equals(request.getMethod())) {
            response.setEntity(Problems.json(status, null), null, Problems.MEDIA);
            response.getHeaders().putSingle("Content-Type", Problems.MEDIA_TYPE);
        } else if (status >= 400 && response.getMediaType() != null && response.getMediaType().isCompatible(MediaType.TEXT_HTML_TYPE)) {
            response.setEntity(Problems.json(status, null), null, Problems.MEDIA);
            response.getHeaders().putSingle("Content-Type", Problems.MEDIA_TYPE);
        }
    }
}
