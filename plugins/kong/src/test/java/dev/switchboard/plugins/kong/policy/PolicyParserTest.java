package dev.switchboard.plugins.kong.policy;

import dev.switchboard.testkit.HostSchemas;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What the policy file may hold, and the path each refusal names. */
class PolicyParserTest {

    private static final String SECRET = "a-secret-of-thirty-two-bytes-or-more";

    private static Policy parse(String yaml) throws PolicyException {
        return PolicyParser.parse(yaml.getBytes(StandardCharsets.UTF_8), "kong.yml", HostSchemas.get());
    }

    private static void refused(String yaml, String message) {
        assertThatThrownBy(() -> parse(yaml)).isInstanceOf(PolicyException.class).hasMessage(message);
    }

    @Test
    void readsConsumersRoutesAndScopedPlugins() throws Exception {
        Policy policy = parse("""
                _format_version: "3.0"
                consumers:
                  - username: alice
                    jwt_secrets: [{key: a, secret: "%s"}]
                plugins:
                  - name: cors
                  - name: rate-limiting
                    route: events
                    config: {second: 2, minute: 10}
                services:
                  - name: sb
                    url: http://127.0.0.1:8080
                    read_timeout: 3600000
                    plugins: [{name: jwt}]
                    routes:
                      - {name: events, paths: [/api/events], methods: [GET]}
                      - {name: skills, paths: ["~/api/skills/[a-z]+$"]}
                """.formatted(SECRET));
        assertThat(policy.credentials()).containsOnlyKeys("a");
        assertThat(policy.credentials().get("a").consumer().username()).isEqualTo("alice");
        assertThat(policy.global()).containsOnlyKeys("cors");
        Route events = policy.routes().getFirst();
        assertThat(events.plugins()).containsOnlyKeys("cors", "jwt", "rate-limiting");
        assertThat(((RateLimitConf) events.plugins().get("rate-limiting")).limits()).containsExactly(
                java.util.Map.entry(RateLimitConf.Period.SECOND, 2L), java.util.Map.entry(RateLimitConf.Period.MINUTE, 10L));
        assertThat(policy.routes().get(1).plugins()).containsOnlyKeys("cors", "jwt");
        JwtConf jwt = (JwtConf) events.plugins().get("jwt");
        assertThat(jwt.uriParamNames()).containsExactly("jwt");
        assertThat(jwt.headerNames()).containsExactly("authorization");
        assertThat(jwt.keyClaimName()).isEqualTo("iss");
        assertThat(jwt.runOnPreflight()).isTrue();
    }

    @Test
    void refusesWhatItCannotEnforceNamingThePath() {
        refused("consumers: []", "_format_version: required field missing (use \"3.0\")");
        refused("_format_version: \"3.0\"\nplugins: [{name: cors, config: {origin: ['*']}}]",
                "plugins[0].config.origin: unknown field (known: credentials, exposed_headers, headers, max_age, methods, origins, "
                        + "preflight_continue, private_network)");
        refused("_format_version: \"3.0\"\nplugins: [{name: acl, config: {allow: [a]}}]",
                "plugins[0].name: the plugin 'acl' is not run by Switchboard's in-process gateway (it runs cors, jwt, rate-limiting, request-size-limiting, "
                        + "request-validator); "
                        + "disable it here or remove it");
        refused("_format_version: \"3.0\"\nplugins: [{name: cors, config: {credentials: true, origins: ['*']}}]",
                "plugins[0].config.credentials: credentials: true needs an explicit list of origins; with '*' Kong would reflect any "
                        + "origin with credentials, letting every web site read authenticated answers");
        refused("_format_version: \"3.0\"\nplugins: [{name: rate-limiting, config: {second: 5, minute: 2}}]",
                "plugins[0].config.minute: the limit for minute (2) cannot be lower than the limit for second (5)");
        refused("_format_version: \"3.0\"\nplugins: [{name: rate-limiting, config: {}}]",
                "plugins[0].config: at least one of these fields must be set: second, minute, hour, day, month, year");
        refused("_format_version: \"3.0\"\nplugins: [{name: rate-limiting, config: {minute: 5, policy: cluster}}]",
                "plugins[0].config.policy: cluster keeps counters in Kong's database, which Switchboard has not: use local or redis");
        refused("_format_version: \"3.0\"\nplugins: [{name: rate-limiting, config: {minute: 5, policy: redis}}]",
                "plugins[0].config.redis.host: required when policy is redis");
        refused("_format_version: \"3.0\"\nplugins: [{name: rate-limiting, config: {minute: 5, policy: redis, redis: {host: h, port: 0}}}]",
                "plugins[0].config.redis.port: expected a whole number from 1 to 65535, got 0");
        refused("_format_version: \"3.0\"\nplugins: [{name: jwt, config: {maximum_expiration: 60}}]",
                "plugins[0].config.maximum_expiration: needs 'exp' in claims_to_verify (as in Kong)");
        refused("_format_version: \"3.0\"\nplugins: [{name: jwt, route: nowhere}]", "plugins[0].route: no route 'nowhere' in this file");
        refused("_format_version: \"3.0\"\nconsumers: [{username: a, jwt_secrets: [{key: k, secret: short}]}]",
                "consumers[0].jwt_secrets[0].secret: HS256 needs a secret of at least 32 bytes (RFC 7518 §3.2)");
        refused("_format_version: \"3.0\"\nconsumers: [{username: a, jwt_secrets: [{key: k, algorithm: RS256, rsa_public_key: nope}]}]",
                "consumers[0].jwt_secrets[0].rsa_public_key: not a PEM block (-----BEGIN PUBLIC KEY----- ... -----END PUBLIC KEY-----)");
        refused("_format_version: \"3.0\"\nconsumers: [{username: a, jwt_secrets: [{key: k, algorithm: none, secret: x}]}]",
                "consumers[0].jwt_secrets[0].algorithm: expected one of HS256, HS384, HS512, RS256, RS384, RS512, ES256, ES384, ES512, "
                        + "PS256, PS384, PS512, EdDSA, got 'none'");
        refused(("_format_version: \"3.0\"\nconsumers:\n  - {username: a, jwt_secrets: [{key: k, secret: \"%s\"}]}\n"
                + "  - {username: b, jwt_secrets: [{key: k, secret: \"%s\"}]}").formatted(SECRET, SECRET),
                "consumers[1].jwt_secrets[0].key: another credential already uses the key 'k' (keys are unique, as in Kong)");
        refused("_format_version: \"3.0\"\nroutes: [{name: r, paths: [api]}]",
                "routes[0].paths[0]: a path starts with / (a prefix) or ~ (a regular expression), got 'api'");
        refused("_format_version: \"3.0\"\nconsumers: [{username: a, plugins: [{name: rate-limiting, config: {minute: 1}}]}]",
                "consumers[0].plugins: consumer-scoped plugins are not supported: configure them on a route, a service or globally");
        refused("_format_version: \"3.0\"\nplugins: [{name: jwt, config: {anonymous: nobody}}]",
                "plugins: the jwt plugin's anonymous consumer 'nobody' is not in this file");
        refused("_format_version: \"3.0\"\nplugins: [{name: request-validator, config: {body_schema: '{}'}}]",
                "plugins[0].config.version: 'kong' is Kong's own schema language, which Switchboard does not run: "
                        + "write the schemas in JSON Schema and set version: draft4");
        refused("_format_version: \"3.0\"\nplugins: [{name: request-validator, config: {version: draft4, body_schema: '{\"type\":'}}]",
                "plugins[0].config.body_schema: not a JSON schema: the text is not JSON");
        refused("_format_version: \"3.0\"\nplugins: [{name: request-validator, config: {version: draft4, parameter_schema: [{name: a, in: cookie}]}}]",
                "plugins[0].config.parameter_schema[0].in: expected one of header, path, query, got 'cookie'");
        refused("_format_version: \"3.0\"\nplugins: [{name: request-size-limiting, config: {size_unit: gigabytes}}]",
                "plugins[0].config.size_unit: expected one of bytes, kilobytes, megabytes, got 'gigabytes'");
        assertThatThrownBy(() -> parse("_format_version: [")).hasMessageStartingWith("not valid YAML or JSON");
    }

    @Test
    void routesAreRankedAsKongRanksThem() throws Exception {
        Policy policy = parse("""
                _format_version: "3.0"
                routes:
                  - {name: short, paths: [/api]}
                  - {name: long, paths: [/api/items]}
                  - {name: regex, paths: ["~/api/items/[0-9]+$"]}
                  - {name: host, paths: [/], hosts: [admin.example.com]}
                """);
        assertThat(policy.match(request("GET", "/api/other", "x.example.com")).routeName()).isEqualTo("short");
        assertThat(policy.match(request("GET", "/api/items/abc", "x.example.com")).routeName()).isEqualTo("long");
        assertThat(policy.match(request("GET", "/api/items/42", "x.example.com")).routeName()).isEqualTo("regex");
        // Two kinds of conditions (paths and hosts) beat one, however long the prefix.
        assertThat(policy.match(request("GET", "/api/items/42", "admin.example.com:8443")).routeName()).isEqualTo("host");
        assertThat(policy.match(request("GET", "/elsewhere", "x.example.com")).route()).isNull();
    }

    private static dev.switchboard.api.RequestView request(String method, String path, String host) {
        return new dev.switchboard.api.RequestView() {
            public String method() { return method; }
            public String path() { return path; }
            public java.util.Optional<String> query() { return java.util.Optional.empty(); }
            public java.util.Optional<String> queryParam(String name) { return java.util.Optional.empty(); }
            public java.util.Optional<String> header(String name) { return name.equalsIgnoreCase("Host") ? java.util.Optional.of(host) : java.util.Optional.empty(); }
            public java.util.List<String> headers(String name) { return header(name).map(java.util.List::of).orElse(java.util.List.of()); }
            public java.util.Optional<String> cookie(String name) { return java.util.Optional.empty(); }
            public String remoteAddress() { return "127.0.0.1"; }
            public boolean secure() { return false; }
        };
    }

    @Test
    void aDisabledUnknownPluginIsLeftAlone() throws Exception {
        assertThat(parse("_format_version: \"3.0\"\nplugins: [{name: prometheus, enabled: false}]").global()).isEmpty();
    }
}
