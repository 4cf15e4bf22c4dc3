package dev.switchboard.plugins.kong.jwt;

import dev.switchboard.testkit.HostSchemas;
import dev.switchboard.api.RequestView;
import dev.switchboard.plugins.kong.policy.JwtConf;
import dev.switchboard.plugins.kong.policy.Policy;
import dev.switchboard.plugins.kong.policy.PolicyParser;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import javax.crypto.spec.SecretKeySpec;

import static org.assertj.core.api.Assertions.assertThat;

/** The verified-token cache skips only the signature: claims are checked every time, and a new policy starts afresh. */
class VerifiedTokensTest {

    private static final String SECRET = "a-secret-of-thirty-two-bytes-or-more";

    static Policy policy(String secret) throws Exception {
        return PolicyParser.parse(("""
                _format_version: "3.0"
                consumers: [{username: alice, jwt_secrets: [{key: k, secret: "%s"}]}]
                plugins: [{name: jwt, config: {claims_to_verify: [exp]}}]
                """).formatted(secret).getBytes(StandardCharsets.UTF_8), "kong.yml", HostSchemas.get());
    }

    static RequestView bearer(String token) {
        return new RequestView() {
            public String method() { return "GET"; }
            public String path() { return "/api/x"; }
            public Optional<String> query() { return Optional.empty(); }
            public Optional<String> queryParam(String name) { return Optional.empty(); }
            public Optional<String> header(String name) { return name.equalsIgnoreCase("Authorization") ? Optional.of("Bearer " + token) : Optional.empty(); }
            public List<String> headers(String name) { return header(name).map(List::of).orElse(List.of()); }
            public Optional<String> cookie(String name) { return Optional.empty(); }
            public String remoteAddress() { return "127.0.0.1"; }
            public boolean secure() { return false; }
        };
    }

    static String token(String secret, long exp) {
        return Signatures.sign(JwtAlgorithm.HS256, new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"),
                "{\"alg\":\"HS256\",\"typ\":\"JWT\"}", "{\"iss\":\"k\",\"exp\":" + exp + "}");
    }

    @Test
    void claimsAreCheckedEveryTimeAndANewPolicyStartsAfresh() throws Exception {
        Policy policy = policy(SECRET);
        JwtConf conf = (JwtConf) policy.global().get("jwt");
        VerifiedTokens cache = new VerifiedTokens(100);
        String token = token(SECRET, 1_000);

        assertThat(KongJwt.authenticate(bearer(token), conf, policy, k -> Optional.empty(), cache, 900, 0)).isInstanceOf(KongJwt.Authenticated.class);
        assertThat(cache.size()).isEqualTo(1);
        assertThat(KongJwt.authenticate(bearer(token), conf, policy, k -> Optional.empty(), cache, 950, 0)).isInstanceOf(KongJwt.Authenticated.class);
        // Cached, and expired now: refused all the same.
        KongJwt.Result expired = KongJwt.authenticate(bearer(token), conf, policy, k -> Optional.empty(), cache, 1_000, 0);
        assertThat(expired).isInstanceOfSatisfying(KongJwt.Rejected.class, r -> assertThat(r.body()).isEqualTo("{\"exp\":\"token expired\"}"));

        // The secret was rotated: the cached verification belongs to the old policy.
        Policy rotated = policy("another-secret-of-thirty-two-bytes-or-more");
        JwtConf rotatedConf = (JwtConf) rotated.global().get("jwt");
        KongJwt.Result refused = KongJwt.authenticate(bearer(token), rotatedConf, rotated, k -> Optional.empty(), cache, 900, 0);
        assertThat(refused).isInstanceOfSatisfying(KongJwt.Rejected.class, r -> assertThat(r.body()).isEqualTo("{\"message\":\"Invalid signature\"}"));

        // A bad signature is never kept.
        String forged = token("forged-secret-of-thirty-two-bytes-or-more", 1_000);
        KongJwt.authenticate(bearer(forged), conf, policy, k -> Optional.empty(), cache, 900, 0);
        assertThat(cache.size()).isEqualTo(1);
    }

    @Test
    void aFullCacheMakesRoom() throws Exception {
        Policy policy = policy(SECRET);
        JwtConf conf = (JwtConf) policy.global().get("jwt");
        VerifiedTokens cache = new VerifiedTokens(10);
        for (int i = 0; i < 25; i++) {
            KongJwt.authenticate(bearer(token(SECRET, 10_000 + i)), conf, policy, k -> Optional.empty(), cache, 900, 0);
            assertThat(cache.size()).isLessThanOrEqualTo(10);
        }
    }
}
