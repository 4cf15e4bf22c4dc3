package dev.switchboard.plugins.kong;

import dev.switchboard.plugins.kong.policy.Policy;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Response;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code POST /api/auth/token} (log in with a consumer's {@code basicauth_credentials}) and
 * {@code POST /api/auth/refresh} (rotate a refresh token). Registered only with
 * {@code kong.tokens.enabled}; the jwt filter lets both through without a token.
 */
@Path("/api/auth")
public final class AuthResource {

    static final String TOKEN_PATH = "/api/auth/token";
    static final String REFRESH_PATH = "/api/auth/refresh";

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final Gateway gateway;
    private final TokenService tokens;

    AuthResource(Gateway gateway, TokenService tokens) {
        this.gateway = gateway;
        this.tokens = tokens;
    }

    @POST
    @Path("token")
    public Response token(String body) {
        try {
            JsonNode request = body(body, "username", "password");
            return issued(tokens.login(policy(), request.get("username").asString(), request.get("password").asString()));
        } catch (TokenService.TokenException e) {
            return problem(e);
        }
    }

    @POST
    @Path("refresh")
    public Response refresh(String body) {
        try {
            JsonNode request = body(body, "refresh_token");
            return issued(tokens.refresh(policy(), request.get("refresh_token").asString()));
        } catch (TokenService.TokenException e) {
            return problem(e);
        }
    }

    private Policy policy() throws TokenService.TokenException {
        return gateway.policy().orElseThrow(() -> new TokenService.TokenException(503, "temporarily_unavailable",
                "No Kong policy is in force (kong.declarative_config), so there are no consumers to issue tokens to."));
    }

    private static JsonNode body(String body, String... fields) throws TokenService.TokenException {
        JsonNode json;
        try {
            json = body == null || body.isBlank() ? null : JSON.readTree(body);
        } catch (RuntimeException e) {
            json = null;
        }
        if (json == null || !json.isObject()) {
            throw new TokenService.TokenException(400, "invalid_request", "The body must be a JSON object with " + String.join(" and ", fields) + ".");
        }
        for (String field : fields) {
            if (json.get(field) == null || !json.get(field).isString() || json.get(field).asString().isEmpty()) {
                throw new TokenService.TokenException(400, "invalid_request", "'" + field + "' is missing or not a non-empty string.");
            }
        }
        return json;
    }

    private static Response issued(TokenService.Issued issued) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("access_token", issued.accessToken());
        body.put("token_type", "Bearer");
        body.put("expires_in", issued.expiresIn());
        body.put("refresh_token", issued.refreshToken());
        body.put("refresh_expires_in", issued.refreshExpiresIn());
        return Response.ok(JSON.writeValueAsString(body), "application/json").header("Cache-Control", "no-store").build();
    }

    private static Response problem(TokenService.TokenException e) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", "about:blank");
        body.put("title", Response.Status.fromStatusCode(e.status) == null ? "Error" : Response.Status.fromStatusCode(e.status).getReasonPhrase());
        body.put("status", e.status);
        body.put("detail", e.getMessage());
        body.put("error", e.error);
        Response.ResponseBuilder response = Response.status(e.status).entity(JSON.writeValueAsString(body))
                .type("application/problem+json").header("Cache-Control", "no-store");
        if (e.status == 401) {
            response.header("WWW-Authenticate", "Bearer error=\"invalid_grant\"");
        }
        return response.build();
    }
}
