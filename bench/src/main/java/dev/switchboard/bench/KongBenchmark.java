package dev.switchboard.bench;

import dev.switchboard.api.RequestView;
import dev.switchboard.plugins.kong.jwt.JwtAlgorithm;
import dev.switchboard.plugins.kong.jwt.KongJwt;
import dev.switchboard.plugins.kong.jwt.Signatures;
import dev.switchboard.plugins.kong.jwt.VerifiedTokens;
import dev.switchboard.plugins.kong.policy.JwtConf;
import dev.switchboard.plugins.kong.policy.Policy;
import dev.switchboard.plugins.kong.policy.PolicyParser;
import dev.switchboard.testkit.HostSchemas;
import dev.switchboard.testkit.PluginJarBuilder;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.Key;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javax.crypto.spec.SecretKeySpec;

/**
 * The kong plugin's cost. (1) Over HTTP, in one run against one Switchboard (its distribution, run
 * by its launcher): a small JSON route with no gateway plugin, with {@code jwt}, and with
 * {@code jwt} + {@code rate-limiting} + {@code cors}; requests per second and latency at
 * concurrency 16 and 64, and the ratios to the route without plugins. (2) In process: the time
 * to authenticate one request with an HS256, RS256 and ES256 token, with the verified-token cache
 * and without it.
 *
 * <pre>
 * ./mvnw -B -ntp -DskipTests install && ./mvnw -B -ntp -Pbench-kong -pl bench verify
 * </pre>
 */
public final class KongBenchmark {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final int[] CONCURRENCY = {16, 64};
    private static final String SECRET = "bench-secret-0123456789-abcdefghijklmn";

    public static void main(String[] args) throws Exception {
        Map<String, String> options = BenchReports.options(args);
        Path distribution = Path.of(options.get("distribution"));
        Path results = Path.of(options.get("results"));
        Duration warmup = Duration.ofSeconds(Long.parseLong(options.getOrDefault("warmup-seconds", "5")));
        Duration measure = Duration.ofSeconds(Long.parseLong(options.getOrDefault("seconds", "10")));

        KeyPair rsa = generate("RSA", null);
        KeyPair ec = generate("EC", "secp256r1");
        String policy = policy(rsa, ec);

        ObjectNode report = BenchReports.report(warmup, measure);
        report.set("http", http(distribution, policy, warmup, measure));
        report.set("jwtVerification", verification(policy, rsa, ec));

        BenchReports.write(results, "kong", report);
    }

    static String policy(KeyPair rsa, KeyPair ec) {
        return """
                _format_version: "3.0"
                consumers:
                  - username: bench
                    jwt_secrets:
                      - {key: hs-issuer, algorithm: HS256, secret: "%s"}
                      - key: rs-issuer
                        algorithm: RS256
                        rsa_public_key: |
                %s
                      - key: es-issuer
                        algorithm: ES256
                        rsa_public_key: |
                %s
                routes:
                  - name: plain
                    paths: [/api/bench/plain]
                  - name: jwt
                    paths: [/api/bench/jwt]
                    plugins:
                      - {name: jwt, config: {claims_to_verify: [exp]}}
                  - name: full
                    paths: [/api/bench/full]
                    plugins:
                      - {name: jwt, config: {claims_to_verify: [exp]}}
                      - {name: rate-limiting, config: {minute: 1000000000, limit_by: consumer}}
                      - {name: cors, config: {origins: ["https://app.example.com"], credentials: true,
                         exposed_headers: [RateLimit-Remaining, RateLimit-Reset]}}
                """.formatted(SECRET, pem(rsa), pem(ec));
    }

    // ---- over HTTP ----

    private static ObjectNode http(Path distribution, String policy, Duration warmup, Duration measure) throws Exception {
        Path work = Files.createTempDirectory("kong-bench-");
        Path plugins = Files.createDirectories(work.resolve("plugins"));
        Files.copy(distribution.resolve("plugins/kong-plugin.jar"), plugins.resolve("kong-plugin.jar"), StandardCopyOption.REPLACE_EXISTING);
        PluginJarBuilder.plugin("bench-json", "1.0.0").requires(">=0.1.0").source("""
                package bench;

                import dev.switchboard.api.*;
                import jakarta.ws.rs.*;
                import org.pf4j.Extension;

                @Extension
                public class BenchJson implements SwitchboardPlugin {
                    @Override
                    public void start(Platform platform) {
                        platform.jaxrs(new Route());
                    }

                    @Path("/api/bench")
                    public static class Route {
                        @GET
                        @Path("{variant}")
                        @Produces("application/json")
                        public String get(@PathParam("variant") String variant) {
                            return "{\\"ok\\":true,\\"variant\\":\\"" + variant + "\\",\\"items\\":[1,2,3]}";
                        }
                    }
                }
                """).build(plugins);
        Path policyFile = Files.writeString(work.resolve("kong.yml"), policy);
        int port = FanoutBenchmark.freePort();
        ProcessBuilder builder = new ProcessBuilder(distribution.resolve("bin/switchboard").toString(), "run", "--port", Integer.toString(port),
                "--plugins-dir", plugins.toString(), "--skills-dir", Files.createDirectories(work.resolve("skills")).toString(),
                "--set", "kong.declarative_config=" + policyFile)
                .redirectErrorStream(true).redirectOutput(work.resolve("switchboard.log").toFile());
        builder.environment().put("SWITCHBOARD_OPTS", "-Xmx1g");
        Process switchboard = builder.start();
        ObjectNode http = JSON.createObjectNode();
        try {
            URI base = URI.create("http://127.0.0.1:" + port);
            FanoutBenchmark.awaitHttp(base.resolve("/api/bench/plain"), Duration.ofSeconds(60));
            String token = Signatures.sign(JwtAlgorithm.HS256, hmac(SECRET), "{\"alg\":\"HS256\",\"typ\":\"JWT\"}",
                    "{\"iss\":\"hs-issuer\",\"sub\":\"student-1\",\"exp\":" + (System.currentTimeMillis() / 1000 + 86_400) + "}");
            Map<String, HttpRequest> scenarios = new LinkedHashMap<>();
            scenarios.put("no gateway plugin", HttpRequest.newBuilder(base.resolve("/api/bench/plain")).build());
            scenarios.put("jwt", HttpRequest.newBuilder(base.resolve("/api/bench/jwt")).header("Authorization", "Bearer " + token).build());
            scenarios.put("jwt + rate-limiting + cors", HttpRequest.newBuilder(base.resolve("/api/bench/full"))
                    .header("Authorization", "Bearer " + token).header("Origin", "https://app.example.com").build());
            for (HttpRequest request : scenarios.values()) {
                ClosedLoop.run(request, 16, warmup);
            }
            for (int clients : CONCURRENCY) {
                ObjectNode cell = http.putObject("concurrency " + clients);
                double baseline = 0;
                for (Map.Entry<String, HttpRequest> scenario : scenarios.entrySet()) {
                    ClosedLoop.run(scenario.getValue(), clients, warmup.dividedBy(2));
                    ClosedLoop.Result result = ClosedLoop.run(scenario.getValue(), clients, measure);
                    if (baseline == 0) {
                        baseline = result.perSecond();
                    }
                    ObjectNode row = cell.putObject(scenario.getKey());
                    row.put("requestsPerSecond", Math.round(result.perSecond()));
                    row.put("p50Ms", round(result.latency().percentile(50)));
                    row.put("p99Ms", round(result.latency().percentile(99)));
                    row.put("errors", result.errors());
                    row.put("ratioToNoGateway", round(result.perSecond() / baseline));
                    System.out.printf("c=%d %-28s %8.0f req/s  %s  errors %d%n", clients, scenario.getKey(), result.perSecond(),
                            result.latency(), result.errors());
                }
            }
        } finally {
            switchboard.destroy();
            switchboard.waitFor(30, TimeUnit.SECONDS);
        }
        return http;
    }

    // ---- in process ----

    private static ObjectNode verification(String policyText, KeyPair rsa, KeyPair ec) throws Exception {
        Policy policy = PolicyParser.parse(policyText.getBytes(StandardCharsets.UTF_8), "bench", HostSchemas.get());
        JwtConf conf = (JwtConf) policy.routes().stream().filter(r -> r.name().equals("jwt")).findFirst().orElseThrow().plugins().get("jwt");
        long exp = System.currentTimeMillis() / 1000 + 86_400;
        Map<String, String> tokens = new LinkedHashMap<>();
        tokens.put("HS256", Signatures.sign(JwtAlgorithm.HS256, hmac(SECRET), "{\"alg\":\"HS256\",\"typ\":\"JWT\"}",
                "{\"iss\":\"hs-issuer\",\"exp\":" + exp + "}"));
        tokens.put("RS256", Signatures.sign(JwtAlgorithm.RS256, rsa.getPrivate(), "{\"alg\":\"RS256\",\"typ\":\"JWT\"}",
                "{\"iss\":\"rs-issuer\",\"exp\":" + exp + "}"));
        tokens.put("ES256", Signatures.sign(JwtAlgorithm.ES256, ec.getPrivate(), "{\"alg\":\"ES256\",\"typ\":\"JWT\"}",
                "{\"iss\":\"es-issuer\",\"exp\":" + exp + "}"));
        ObjectNode results = JSON.createObjectNode();
        for (Map.Entry<String, String> token : tokens.entrySet()) {
            RequestView request = bearer(token.getValue());
            ObjectNode row = results.putObject(token.getKey());
            for (boolean cached : new boolean[] {false, true}) {
                VerifiedTokens cache = new VerifiedTokens(cached ? 10_000 : 0);
                double micros = microsPerCall(request, conf, policy, cache);
                row.put(cached ? "cachedMicros" : "uncachedMicros", round(micros));
                System.out.printf("%s %-8s %8.2f µs per request%n", token.getKey(), cached ? "cached" : "uncached", micros);
            }
            row.put("speedup", round(row.get("uncachedMicros").asDouble() / row.get("cachedMicros").asDouble()));
        }
        return results;
    }

    /** The median of five one-second rounds, after two seconds of warm-up. */
    private static double microsPerCall(RequestView request, JwtConf conf, Policy policy, VerifiedTokens cache) {
        double now = System.currentTimeMillis() / 1000.0;
        long sink = 0;
        long warmEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        while (System.nanoTime() < warmEnd) {
            sink += KongJwt.authenticate(request, conf, policy, k -> Optional.empty(), cache, now, 0).hashCode();
        }
        List<Double> rounds = new ArrayList<>();
        for (int round = 0; round < 5; round++) {
            long calls = 0;
            long start = System.nanoTime();
            long end = start + TimeUnit.SECONDS.toNanos(1);
            long t;
            while ((t = System.nanoTime()) < end) {
                for (int i = 0; i < 16; i++) {
                    KongJwt.Result result = KongJwt.authenticate(request, conf, policy, k -> Optional.empty(), cache, now, 0);
                    if (!(result instanceof KongJwt.Authenticated)) {
                        throw new IllegalStateException("the benchmark token was refused: " + result);
                    }
                    sink += result.hashCode();
                }
                calls += 16;
            }
            rounds.add((t - start) / 1e3 / calls);
        }
        if (sink == 42) {
            System.out.println();
        }
        rounds.sort(Double::compare);
        return rounds.get(2);
    }

    private static RequestView bearer(String token) {
        return new RequestView() {
            public String method() { return "GET"; }
            public String path() { return "/api/bench/jwt"; }
            public Optional<String> query() { return Optional.empty(); }
            public Optional<String> queryParam(String name) { return Optional.empty(); }
            public Optional<String> header(String name) {
                return name.equalsIgnoreCase("authorization") ? Optional.of("Bearer " + token) : Optional.empty();
            }
            public List<String> headers(String name) { return header(name).map(List::of).orElse(List.of()); }
            public Optional<String> cookie(String name) { return Optional.empty(); }
            public String remoteAddress() { return "127.0.0.1"; }
            public boolean secure() { return false; }
        };
    }

    private static Key hmac(String secret) {
        return new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256");
    }

    private static KeyPair generate(String algorithm, String curve) throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm);
        if (curve != null) {
            generator.initialize(new ECGenParameterSpec(curve));
        } else {
            generator.initialize(2048);
        }
        return generator.generateKeyPair();
    }

    private static String pem(KeyPair pair) {
        String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(pair.getPublic().getEncoded());
        return ("-----BEGIN PUBLIC KEY-----\n" + body + "\n-----END PUBLIC KEY-----").lines().map(l -> "          " + l)
                .reduce((a, b) -> a + "\n" + b).orElseThrow();
    }

    private static double round(double value) {
        return Math.round(value * 100) / 100.0;
    }
}
