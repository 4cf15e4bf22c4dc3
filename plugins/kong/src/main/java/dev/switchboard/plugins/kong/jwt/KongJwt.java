package dev.switchboard.plugins.kong.jwt;

import dev.switchboard.api.RequestView;
import dev.switchboard.plugins.kong.policy.Consumer;
import dev.switchboard.plugins.kong.policy.JwtConf;
import dev.switchboard.plugins.kong.policy.JwtCredential;
import dev.switchboard.plugins.kong.policy.Policy;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.Key;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Kong's {@code jwt} plugin, step for step (Kong 3.9, {@code kong/plugins/jwt/handler.lua}): find
 * the token, decode it, pick the credential by the key claim, require the credential's algorithm,
 * check the signature, then the registered claims. Every refusal has Kong's status, body and
 * {@code WWW-Authenticate} value, so that clients cannot tell this gateway from Kong.
 */
public final class KongJwt {

    private static final ObjectMapper JSON = JsonMapper.builder().build();
    private static final Pattern BEARER = Pattern.compile("\\s*[Bb]earer\\s+(.+)");

    /** What the plugin decided. */
    public sealed interface Result {
    }

    /** A valid token of a known credential. */
    public record Authenticated(Consumer consumer, JwtCredential credential, Map<String, Object> claims) implements Result {
    }

    /**
     * Tokens whose key claim names an identity provider's key set ({@code kong.jwks}) rather than a
     * {@code jwt_secrets} entry: the set, and the consumer its tokens authenticate as.
     */
    public record ExternalKeys(JwksSource source, Consumer consumer) {
    }

    /** Refused: answer with this status, JSON body and challenge (unless {@code anonymous} is configured). */
    public record Rejected(int status, String body, String challenge) implements Result {
    }

    private KongJwt() {
    }

    /**
     * Authenticates one request.
     *
     * @param nowSeconds     the current time, in seconds since the epoch
     * @param leewaySeconds  clock skew allowed on {@code exp} and {@code nbf} (Kong allows none)
     */
    public static Result authenticate(RequestView request, JwtConf conf, Policy policy, double nowSeconds, long leewaySeconds) {
        return authenticate(request, conf, policy, key -> Optional.empty(), new VerifiedTokens(0), nowSeconds, leewaySeconds);
    }

    /**
     * Authenticates one request, also against identity providers' key sets.
     *
     * @param external the key set for a key claim value that no {@code jwt_secrets} entry has
     * @param verified tokens already verified, whose signature is not checked again
     */
    public static Result authenticate(RequestView request, JwtConf conf, Policy policy,
                                      java.util.function.Function<String, Optional<ExternalKeys>> external,
                                      VerifiedTokens verified, double nowSeconds, long leewaySeconds) {
        String challenge = conf.realm() == null ? "Bearer" : "Bearer realm=\"" + conf.realm() + "\"";
        String invalid = challenge + " error=\"invalid_token\"";
        Set<String> tokens = tokens(request, conf);
        if (tokens.isEmpty()) {
            return reject("Unauthorized", challenge);
        }
        if (tokens.size() > 1) {
            return reject("Multiple tokens provided", invalid);
        }
        String token = tokens.iterator().next();
        VerifiedTokens.Entry known = verified.get(token, policy, conf);
        if (known != null) {
            return claims(conf, known.credential(), known.claims(), known.values(), invalid, nowSeconds, leewaySeconds);
        }
        Optional<CompactJws> parsed = CompactJws.parse(token);
        JsonNode header = parsed.map(jws -> json(jws.header())).orElse(null);
        if (header == null || !header.isObject()) {
            return reject("Bad token; invalid JSON", invalid);
        }
        JsonNode claims = json(parsed.get().payload());
        if (claims == null) {
            return reject("Bad token; invalid JSON", invalid);
        }
        JsonNode typ = header.get("typ");
        if (typ != null && !typ.isNull() && !(typ.isString() && typ.asString().equalsIgnoreCase("JWT"))) {
            return reject("Bad token; invalid typ", invalid);
        }
        JsonNode alg = header.get("alg");
        if (alg == null || !alg.isString() || JwtAlgorithm.named(alg.asString()).isEmpty()) {
            return reject("Bad token; invalid alg", invalid);
        }
        if (!claims.isObject()) {
            return reject("Bad token; invalid claims", invalid);
        }
        if (parsed.get().signature().length == 0) {
            return reject("Bad token; invalid signature", invalid);
        }

        String claimName = conf.keyClaimName();
        JsonNode keyClaim = claims.has(claimName) ? claims.get(claimName) : header.get(claimName);
        if (keyClaim == null || keyClaim.isNull()) {
            return reject("No mandatory '" + claimName + "' in claims", invalid);
        }
        if (!keyClaim.isString()) {
            return reject("Invalid '" + claimName + "' in claims", invalid);
        }
        JwtCredential credential = policy.credentials().get(keyClaim.asString());
        if (credential == null) {
            Optional<ExternalKeys> keys = external.apply(keyClaim.asString());
            if (keys.isEmpty()) {
                return reject("No credentials found for given '" + claimName + "'", invalid);
            }
            JsonNode kid = header.get("kid");
            Optional<VerificationKey> key = keys.get().source().key(kid != null && kid.isString() ? kid.asString() : null);
            if (key.isEmpty()) {
                // No key of the provider's set has this kid, even after fetching the set again.
                return reject("Invalid signature", invalid);
            }
            credential = new JwtCredential("jwks:" + keyClaim.asString(), keyClaim.asString(), key.get().algorithm(), null,
                    key.get().key(), keys.get().consumer());
        }
        if (!alg.asString().equals(credential.algorithm().name())) {
            return reject("Invalid algorithm", invalid);
        }
        Optional<Key> key = credential.verificationKey(conf.secretIsBase64());
        if (key.isEmpty()) {
            return reject("Invalid key/secret", invalid);
        }
        if (!Signatures.verify(credential.algorithm(), key.get(), parsed.get())) {
            return reject("Invalid signature", invalid);
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> values = java.util.Collections.unmodifiableMap(JSON.convertValue((ObjectNode) claims, Map.class));
        if (!credential.id().startsWith("jwks:")) {
            verified.put(token, new VerifiedTokens.Entry(policy, conf, credential, claims, values));
        }
        return claims(conf, credential, claims, values, invalid, nowSeconds, leewaySeconds);
    }

    /** Kong's registered-claims checks, then the maximum expiration: done on every request, cached token or not. */
    private static Result claims(JwtConf conf, JwtCredential credential, JsonNode claims, Map<String, Object> values, String invalid,
                                 double nowSeconds, long leewaySeconds) {
        Map<String, String> errors = new LinkedHashMap<>();
        for (String claim : new String[] {"nbf", "exp"}) {
            if (!conf.claimsToVerify().contains(claim)) {
                continue;
            }
            JsonNode value = claims.get(claim);
            if (value == null || !value.isNumber()) {
                errors.put(claim, "must be a number");
            } else if (claim.equals("exp") && value.asDouble() <= nowSeconds - leewaySeconds) {
                errors.put(claim, "token expired");
            } else if (claim.equals("nbf") && value.asDouble() > nowSeconds + leewaySeconds) {
                errors.put(claim, "token not valid yet");
            }
        }
        if (!errors.isEmpty()) {
            return new Rejected(401, JSON.writeValueAsString(errors), invalid);
        }
        if (conf.maximumExpiration() > 0) {
            JsonNode exp = claims.get("exp");
            if (exp == null || !exp.isNumber() || exp.asDouble() - nowSeconds > conf.maximumExpiration()) {
                return new Rejected(401, JSON.writeValueAsString(Map.of("exp", "exceeds maximum allowed expiration")), invalid);
            }
        }
        return new Authenticated(credential.consumer(), credential, values);
    }

    private static Rejected reject(String message, String challenge) {
        return new Rejected(401, JSON.writeValueAsString(Map.of("message", message)), challenge);
    }

    /** The distinct tokens of the request, where Kong looks: query parameters, cookies, then headers. */
    static Set<String> tokens(RequestView request, JwtConf conf) {
        Set<String> tokens = new LinkedHashSet<>();
        Optional<String> query = request.query();
        if (query.isPresent() && !conf.uriParamNames().isEmpty()) {
            for (String pair : query.get().split("&")) {
                int eq = pair.indexOf('=');
                String name = decode(eq < 0 ? pair : pair.substring(0, eq));
                if (eq > 0 && conf.uriParamNames().contains(name)) {
                    String value = decode(pair.substring(eq + 1));
                    if (!value.isEmpty()) {
                        tokens.add(value);
                    }
                }
            }
        }
        for (String cookie : conf.cookieNames()) {
            request.cookie(cookie).filter(v -> !v.isEmpty()).ifPresent(tokens::add);
        }
        for (String headerName : conf.headerNames()) {
            java.util.List<String> values = request.headers(headerName);
            if (!values.isEmpty()) {
                Matcher matcher = BEARER.matcher(values.getFirst());
                if (matcher.find() && !matcher.group(1).isEmpty()) {
                    tokens.add(matcher.group(1));
                }
            }
        }
        return tokens;
    }

    private static String decode(String text) {
        try {
            return URLDecoder.decode(text, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return text;
        }
    }

    private static JsonNode json(byte[] bytes) {
        try {
            return JSON.readTree(bytes);
        } catch (RuntimeException e) {
            return null;
        }
    }
}
