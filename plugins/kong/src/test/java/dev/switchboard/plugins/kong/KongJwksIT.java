package dev.switchboard.plugins.kong;

import dev.switchboard.plugins.kong.jwt.JwtAlgorithm;
import dev.switchboard.testkit.SwitchboardExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code kong.jwks}: tokens of an identity provider, checked with the keys its JWKS endpoint publishes. */
class KongJwksIT {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String ISSUER = "https://idp.example.com";
    private static final JwksStandIn IDP;
    private static final KeyPair EC;
    private static final KeyPair RSA;
    private static final Path HOME;

    static {
        try {
            IDP = new JwksStandIn();
            EC = Tokens.ec256();
            RSA = Tokens.rsa();
            IDP.add("ec-1", "ES256", EC.getPublic());
            IDP.add("rsa-1", "RS256", RSA.getPublic());
            HOME = Files.createTempDirectory("kong-jwks-it");
            Files.writeString(HOME.resolve("kong.yml"), """
                    _format_version: "3.0"
                    consumers:
                      - username: students
                    plugins:
                      - name: jwt
                        config: {claims_to_verify: [exp]}
                    """);
            Files.writeString(HOME.resolve("switchboard.yaml"), """
                    kong:
                      declarative_config: %s
                      jwks:
                        - key: %s
                          uri: %s
                          consumer: students
                    """.formatted(HOME.resolve("kong.yml"), ISSUER, IDP.url()));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @RegisterExtension
    static SwitchboardExtension switchboard = SwitchboardExtension.builder()
            .plugin(Path.of(System.getProperty("plugin.jar")))
            .plugin(EchoPlugin.build(HOME))
            .configFile(HOME.resolve("switchboard.yaml"))
            .build();

    @AfterAll
    static void stop() {
        IDP.close();
    }

    private static HttpResponse<String> echo(String token) throws Exception {
        return switchboard.send(HttpRequest.newBuilder(switchboard.uri("/api/echo")).header("Authorization", "Bearer " + token).build());
    }

    @Test
    void tokensAreCheckedWithThePublishedKeys() throws Exception {
        Map<String, Object> claims = Map.of("iss", ISSUER, "sub", "student-9", "exp", Tokens.now() + 60);
        HttpResponse<String> ec = echo(Tokens.sign(JwtAlgorithm.ES256, EC.getPrivate(), Map.of("alg", "ES256", "kid", "ec-1"), claims));
        assertThat(ec.statusCode()).as(ec.body()).isEqualTo(200);
        assertThat(JSON.readTree(ec.body()).get("X-Consumer-Username").asString()).isEqualTo("students");
        HttpResponse<String> rsa = echo(Tokens.sign(JwtAlgorithm.RS256, RSA.getPrivate(), Map.of("alg", "RS256", "kid", "rsa-1"), claims));
        assertThat(rsa.statusCode()).isEqualTo(200);

        // The kid of one key with the algorithm of another, a kid the set lacks, and a key the provider never published.
        assertThat(echo(Tokens.sign(JwtAlgorithm.RS256, RSA.getPrivate(), Map.of("alg", "RS256", "kid", "ec-1"), claims)).body())
                .isEqualTo("{\"message\":\"Invalid algorithm\"}");
        assertThat(echo(Tokens.sign(JwtAlgorithm.ES256, EC.getPrivate(), Map.of("alg", "ES256", "kid", "nope"), claims)).body())
                .isEqualTo("{\"message\":\"Invalid signature\"}");
        KeyPair stranger = Tokens.ec256();
        assertThat(echo(Tokens.sign(JwtAlgorithm.ES256, stranger.getPrivate(), Map.of("alg", "ES256", "kid", "ec-1"), claims)).body())
                .isEqualTo("{\"message\":\"Invalid signature\"}");

        String token = Tokens.sign(JwtAlgorithm.ES256, EC.getPrivate(), Map.of("alg", "ES256", "kid", "ec-1"), claims);
        JsonNode health = JSON.readTree(switchboard.send(HttpRequest.newBuilder(switchboard.uri("/api/health/kong"))
                .header("Authorization", "Bearer " + token).build()).body());
        assertThat(health.get("status").asString()).isEqualTo("UP");
        assertThat(health.at("/jwks/0/keys").asInt()).isEqualTo(2);
        assertThat(health.at("/jwks/0/consumer").asString()).isEqualTo("students");
    }
}
