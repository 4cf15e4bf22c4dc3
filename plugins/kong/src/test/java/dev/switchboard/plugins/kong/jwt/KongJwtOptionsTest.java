package dev.switchboard.plugins.kong.jwt;

import dev.switchboard.testkit.HostSchemas;
import dev.switchboard.plugins.kong.policy.JwtConf;
import dev.switchboard.plugins.kong.policy.Policy;
import dev.switchboard.plugins.kong.policy.PolicyParser;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import javax.crypto.spec.SecretKeySpec;

import static org.assertj.core.api.Assertions.assertThat;

/** The jwt plugin's options that the host-level tests do not reach: key_claim_name, secret_is_base64, realm, clock skew. */
class KongJwtOptionsTest {

    private static final byte[] RAW = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    private static JwtConf conf(Policy policy) {
        return (JwtConf) policy.global().get("jwt");
    }

    private static Policy policy(String jwtConfig) throws Exception {
        return PolicyParser.parse(("""
                _format_version: "3.0"
                consumers: [{username: alice, jwt_secrets: [{key: k1, secret: "%s"}]}]
                plugins: [{name: jwt, config: %s}]
                """).formatted(Base64.getEncoder().encodeToString(RAW), jwtConfig).getBytes(StandardCharsets.UTF_8), "kong.yml", HostSchemas.get());
    }

    private static String token(String header, String payload) {
        return Signatures.sign(JwtAlgorithm.HS256, new SecretKeySpec(RAW, "HmacSHA256"), header, payload);
    }

    @Test
    void aBase64SecretIsDecodedBeforeUse() throws Exception {
        Policy policy = policy("{secret_is_base64: true}");
        String token = token("{\"alg\":\"HS256\"}", "{\"iss\":\"k1\"}");
        assertThat(KongJwt.authenticate(VerifiedTokensTest.bearer(token), conf(policy), policy, 0, 0)).isInstanceOf(KongJwt.Authenticated.class);
        // The same secret used as text does not verify a token signed with the decoded bytes.
        Policy plain = policy("{}");
        assertThat(KongJwt.authenticate(VerifiedTokensTest.bearer(token), conf(plain), plain, 0, 0))
                .isInstanceOfSatisfying(KongJwt.Rejected.class, r -> assertThat(r.body()).isEqualTo("{\"message\":\"Invalid signature\"}"));
    }

    @Test
    void theKeyClaimMayLiveInTheHeader() throws Exception {
        Policy policy = policy("{key_claim_name: kid, secret_is_base64: true}");
        String inHeader = token("{\"alg\":\"HS256\",\"kid\":\"k1\"}", "{\"sub\":\"x\"}");
        assertThat(KongJwt.authenticate(VerifiedTokensTest.bearer(inHeader), conf(policy), policy, 0, 0)).isInstanceOf(KongJwt.Authenticated.class);
        String none = token("{\"alg\":\"HS256\"}", "{\"sub\":\"x\"}");
        assertThat(KongJwt.authenticate(VerifiedTokensTest.bearer(none), conf(policy), policy, 0, 0))
                .isInstanceOfSatisfying(KongJwt.Rejected.class, r -> assertThat(r.body()).isEqualTo("{\"message\":\"No mandatory 'kid' in claims\"}"));
    }

    @Test
    void theRealmIsInEveryChallenge() throws Exception {
        Policy policy = policy("{realm: switchboard}");
        assertThat(KongJwt.authenticate(VerifiedTokensTest.bearer(""), conf(policy), policy, 0, 0))
                .isInstanceOfSatisfying(KongJwt.Rejected.class, r -> assertThat(r.challenge()).isEqualTo("Bearer realm=\"switchboard\""));
        assertThat(KongJwt.authenticate(VerifiedTokensTest.bearer("garbage"), conf(policy), policy, 0, 0))
                .isInstanceOfSatisfying(KongJwt.Rejected.class,
                        r -> assertThat(r.challenge()).isEqualTo("Bearer realm=\"switchboard\" error=\"invalid_token\""));
    }

    @Test
    void clockSkewWidensExpAndNbfByTheLeeway() throws Exception {
        Policy policy = policy("{secret_is_base64: true, claims_to_verify: [exp, nbf]}");
        String token = token("{\"alg\":\"HS256\"}", "{\"iss\":\"k1\",\"nbf\":1000,\"exp\":2000}");
        JwtConf conf = conf(policy);
        assertThat(KongJwt.authenticate(VerifiedTokensTest.bearer(token), conf, policy, 2005, 0))
                .isInstanceOfSatisfying(KongJwt.Rejected.class, r -> assertThat(r.body()).isEqualTo("{\"exp\":\"token expired\"}"));
        assertThat(KongJwt.authenticate(VerifiedTokensTest.bearer(token), conf, policy, 2005, 10)).isInstanceOf(KongJwt.Authenticated.class);
        assertThat(KongJwt.authenticate(VerifiedTokensTest.bearer(token), conf, policy, 995, 0))
                .isInstanceOfSatisfying(KongJwt.Rejected.class, r -> assertThat(r.body()).isEqualTo("{\"nbf\":\"token not valid yet\"}"));
        assertThat(KongJwt.authenticate(VerifiedTokensTest.bearer(token), conf, policy, 995, 10)).isInstanceOf(KongJwt.Authenticated.class);
    }

    @Test
    void rsaPssAndEdDsaCredentialsVerifyTheirTokens() throws Exception {
        java.security.KeyPairGenerator rsa = java.security.KeyPairGenerator.getInstance("RSA");
        rsa.initialize(2048);
        java.security.KeyPair ps = rsa.generateKeyPair();
        java.security.KeyPair ed = java.security.KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        Policy policy = PolicyParser.parse(("""
                _format_version: "3.0"
                consumers:
                  - username: pss
                    jwt_secrets: [{key: ps, algorithm: PS256, rsa_public_key: "%s"}]
                  - username: edwards
                    jwt_secrets: [{key: ed, algorithm: EdDSA, rsa_public_key: "%s"}]
                plugins: [{name: jwt}]
                """).formatted(pem(ps.getPublic()), pem(ed.getPublic())).getBytes(StandardCharsets.UTF_8), "kong.yml", HostSchemas.get());
        JwtConf conf = conf(policy);
        String psToken = Signatures.sign(JwtAlgorithm.PS256, ps.getPrivate(), "{\"alg\":\"PS256\"}", "{\"iss\":\"ps\"}");
        String edToken = Signatures.sign(JwtAlgorithm.EdDSA, ed.getPrivate(), "{\"alg\":\"EdDSA\"}", "{\"iss\":\"ed\"}");
        assertThat(KongJwt.authenticate(VerifiedTokensTest.bearer(psToken), conf, policy, 0, 0))
                .isInstanceOfSatisfying(KongJwt.Authenticated.class, ok -> assertThat(ok.consumer().username()).isEqualTo("pss"));
        assertThat(KongJwt.authenticate(VerifiedTokensTest.bearer(edToken), conf, policy, 0, 0))
                .isInstanceOfSatisfying(KongJwt.Authenticated.class, ok -> assertThat(ok.consumer().username()).isEqualTo("edwards"));
        // RS256 with the PSS credential's key: the token's alg is not the credential's.
        String rsToken = Signatures.sign(JwtAlgorithm.RS256, ps.getPrivate(), "{\"alg\":\"RS256\"}", "{\"iss\":\"ps\"}");
        assertThat(KongJwt.authenticate(VerifiedTokensTest.bearer(rsToken), conf, policy, 0, 0))
                .isInstanceOfSatisfying(KongJwt.Rejected.class, r -> assertThat(r.body()).isEqualTo("{\"message\":\"Invalid algorithm\"}"));
    }

    private static String pem(java.security.PublicKey key) {
        return "-----BEGIN PUBLIC KEY-----\\n" + Base64.getEncoder().encodeToString(key.getEncoded()) + "\\n-----END PUBLIC KEY-----";
    }
}
