package dev.switchboard.plugins.kong;

import dev.switchboard.api.GatewayChain;
import dev.switchboard.api.GatewayExchange;
import dev.switchboard.api.Schemas;
import dev.switchboard.plugins.kong.policy.Policy;
import dev.switchboard.plugins.kong.policy.RequestValidatorConf;
import dev.switchboard.plugins.kong.policy.Route;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code request-validator} plugin (priority 999; Kong Enterprise's names): the content type,
 * the parameters and the JSON body are checked against the route's schemas, and a request that
 * does not conform gets 400 {@code application/problem+json} listing every violation with the JSON
 * pointer of where it is ({@code /body/age}, {@code /query/page}, {@code /headers/x-trace},
 * {@code /path/id}). Nothing reaches the route.
 */
final class RequestValidatorFilter extends PolicyFilter<RequestValidatorConf> {

    /** The largest body read for validation; a larger one is refused with 413. */
    static final int MAX_BODY = 8 * 1024 * 1024;

    private static final JsonMapper JSON = JsonMapper.builder().build();

    RequestValidatorFilter(Gateway gateway) {
        super(gateway, "request-validator", RequestValidatorConf.class, 999);
    }

    @Override
    protected void filter(GatewayExchange exchange, GatewayChain chain, RequestValidatorConf conf, Policy.Match match) throws Exception {
        List<Schemas.Violation> violations = new ArrayList<>();
        for (RequestValidatorConf.Parameter parameter : conf.parameters()) {
            parameter(exchange, match.route(), parameter, violations);
        }
        if (conf.bodySchema() != null) {
            Optional<Long> length = exchange.header("Content-Length").filter(v -> v.strip().matches("\\d{1,18}")).map(v -> Long.parseLong(v.strip()));
            // Without a Content-Length (chunked, or HTTP/2) the body is read to see whether there is one.
            Optional<byte[]> body = length.isPresent() && length.get() > MAX_BODY ? Optional.empty()
                    : length.filter(l -> l == 0).isPresent() ? Optional.of(new byte[0]) : exchange.body(MAX_BODY);
            if (body.isEmpty()) {
                exchange.respondProblem(413, "The body is larger than " + MAX_BODY / (1024 * 1024) + " MiB, the most this route validates.");
                return;
            }
            if (body.get().length > 0) {
                body(exchange, conf, body.get(), violations);
            }
        }
        if (violations.isEmpty()) {
            chain.proceed();
            return;
        }
        Map<String, Object> problem = new LinkedHashMap<>();
        problem.put("type", "about:blank");
        problem.put("title", "Bad Request");
        problem.put("status", 400);
        problem.put("detail", "The request does not match the schema of this route: " + violations.size()
                + (violations.size() == 1 ? " violation." : " violations."));
        List<Map<String, String>> errors = new ArrayList<>();
        for (Schemas.Violation violation : violations) {
            errors.add(Map.of("pointer", violation.pointer(), "message", violation.message()));
        }
        problem.put("errors", errors);
        exchange.respond(400, "application/problem+json", JSON.writeValueAsString(problem));
    }

    private static void body(GatewayExchange exchange, RequestValidatorConf conf, byte[] body, List<Schemas.Violation> violations) {
        String type = exchange.header("Content-Type").orElse("");
        if (!allowed(type, conf.allowedContentTypes())) {
            violations.add(new Schemas.Violation("/headers/content-type", type.isEmpty() ? "a body needs a Content-Type, one of "
                    + conf.allowedContentTypes() : "'" + type + "' is not allowed here; send one of " + conf.allowedContentTypes()));
            return;
        }
        JsonNode document;
        try {
            document = JSON.readTree(body);
        } catch (RuntimeException e) {
            violations.add(new Schemas.Violation("/body", "not valid JSON"));
            return;
        }
        check(conf.bodySchema(), document == null || document.isMissingNode() ? JsonNodeFactory.instance.nullNode() : document, "/body",
                violations);
    }

    private static void parameter(GatewayExchange exchange, Route route, RequestValidatorConf.Parameter parameter, List<Schemas.Violation> violations) {
        String pointer = switch (parameter.in()) {
            case "query" -> "/query/" + escape(parameter.name());
            case "header" -> "/headers/" + escape(parameter.name().toLowerCase(Locale.ROOT));
            default -> "/path/" + escape(parameter.name());
        };
        Optional<String> value = switch (parameter.in()) {
            case "query" -> queryValue(exchange.query().orElse(""), parameter.name());
            case "header" -> exchange.header(parameter.name());
            default -> pathValue(exchange.path(), route, parameter.name());
        };
        if (value.isEmpty()) {
            if (parameter.required()) {
                violations.add(new Schemas.Violation(pointer, "required"));
            }
            return;
        }
        if (parameter.schema() != null) {
            check(parameter.schema(), typed(value.get(), parameter.schemaDocument()), pointer, violations);
        }
    }

    /** A parameter's text as the type its schema asks for, when it reads as one (else the text, which the schema refuses). */
    private static JsonNode typed(String text, JsonNode schema) {
        String type = schema == null ? "" : schema.path("type").asString("");
        JsonNodeFactory nodes = JsonNodeFactory.instance;
        try {
            return switch (type) {
                case "integer" -> nodes.numberNode(new java.math.BigInteger(text.strip()));
                case "number" -> nodes.numberNode(new java.math.BigDecimal(text.strip()));
                case "boolean" -> text.equals("true") || text.equals("false") ? nodes.booleanNode(Boolean.parseBoolean(text)) : nodes.stringNode(text);
                case "array" -> {
                    var array = nodes.arrayNode();
                    for (String item : text.split(",", -1)) {
                        array.add(typed(item, schema.path("items")));
                    }
                    yield array;
                }
                default -> nodes.stringNode(text);
            };
        } catch (NumberFormatException e) {
            return nodes.stringNode(text);
        }
    }

    private static Optional<String> queryValue(String query, String name) {
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            if (key.equals(name)) {
                return Optional.of(eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return Optional.empty();
    }

    /** A path parameter: a named group of the route's regex path ({@code ~/api/items/(?<id>\d+)$}). */
    private static Optional<String> pathValue(String path, Route route, String name) {
        if (route == null) {
            return Optional.empty();
        }
        for (Pattern regex : route.regexes()) {
            Matcher matcher = regex.matcher(path);
            if (matcher.lookingAt()) {
                try {
                    return Optional.ofNullable(matcher.group(name));
                } catch (IllegalArgumentException e) {
                    return Optional.empty();
                }
            }
        }
        return Optional.empty();
    }

    private static boolean allowed(String contentType, List<String> allowed) {
        String normalized = contentType.toLowerCase(Locale.ROOT).replace(" ", "");
        String media = normalized.contains(";") ? normalized.substring(0, normalized.indexOf(';')) : normalized;
        for (String candidate : allowed) {
            if (candidate.equals("*/*") || candidate.equals(normalized) || candidate.equals(media)
                    || candidate.endsWith("/*") && media.startsWith(candidate.substring(0, candidate.length() - 1))) {
                return true;
            }
        }
        return false;
    }

    private static void check(Schemas.JsonSchema schema, JsonNode instance, String base, List<Schemas.Violation> violations) {
        for (Schemas.Violation violation : schema.validate(instance)) {
            violations.add(violation.under(base));
        }
    }

    /** A JSON pointer token (RFC 6901): {@code ~} and {@code /} escaped. */
    private static String escape(String token) {
        return token.replace("~", "~0").replace("/", "~1");
    }
}
