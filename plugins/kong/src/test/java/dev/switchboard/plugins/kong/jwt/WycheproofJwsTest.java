package dev.switchboard.plugins.kong.jwt;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Google Wycheproof's JSON Web Signature vectors (testdata/wycheproof, unchanged): every
 * {@code valid} case verifies with its group's key and every {@code invalid} case is refused,
 * except six vectors that contradict the file itself or RFC 7515 (see {@link #DEFECTS}); for
 * those the test checks both the defect and the decision.
 */
class WycheproofJwsTest {

    /**
     * Vectors whose label cannot or should not be followed, with what this validator does instead.
     * docs/kong.md lists them too.
     */
    private static final Map<Integer, String> DEFECTS = Map.of(
            // The key says "alg":"PS256" and the token PS384: Wycheproof's own rule ("Ignoring
            // 'alg' field in key") and tcIds 331-340 require refusing exactly this.
            346, "refused: token alg PS384, key alg PS256",
            350, "refused: token alg PS384, key alg PS256",
            // Byte for byte the token of tcId 357, which is labelled valid: one label must be wrong.
            367, "accepted: identical to tcId 357",
            370, "accepted: identical to tcId 357",
            // A '?' inside the header or payload: RFC 7515 §2 allows no character outside the
            // base64url alphabet, and Kong refuses it too. Accepting it makes tokens malleable.
            372, "refused: '?' in the encoded header",
            373, "refused: '?' in the encoded payload");

    private static final ObjectMapper JSON = JsonMapper.builder().build();

    @Test
    void everyValidCaseIsAcceptedAndEveryInvalidOneRefused() throws Exception {
        JsonNode vectors;
        try (InputStream in = getClass().getResourceAsStream("/wycheproof/json_web_signature_test.json")) {
            vectors = JSON.readTree(in);
        }
        int valid = 0;
        int invalid = 0;
        List<String> wrong = new ArrayList<>();
        Map<Integer, String> defects = new java.util.TreeMap<>();
        Map<Integer, String> tokens = new java.util.HashMap<>();
        for (JsonNode group : vectors.get("testGroups")) {
            Optional<VerificationKey> key = VerificationKey.fromJwk(jwk(group));
            for (JsonNode test : group.get("tests")) {
                boolean expected = test.get("result").asString().equals("valid");
                boolean accepted = key.isPresent() && key.get().verifies(test.get("jws").asString());
                String defect = DEFECTS.get(test.get("tcId").asInt());
                if (defect != null) {
                    assertThat(accepted).as("tcId %s", test.get("tcId")).isEqualTo(defect.startsWith("accepted")).isNotEqualTo(expected);
                    defects.put(test.get("tcId").asInt(), test.get("jws").asString());
                } else if (accepted != expected) {
                    wrong.add("tcId " + test.get("tcId").asInt() + " (" + group.get("comment").asString() + ", "
                            + test.get("comment").asString() + "): expected " + test.get("result").asString());
                }
                tokens.put(test.get("tcId").asInt(), test.get("jws").asString());
                if (expected) {
                    valid++;
                } else {
                    invalid++;
                }
            }
        }
        assertThat(wrong).isEmpty();
        assertThat(defects).containsOnlyKeys(DEFECTS.keySet());
        assertThat(defects.get(367)).isEqualTo(tokens.get(357));
        assertThat(defects.get(370)).isEqualTo(tokens.get(357));
        assertThat(defects.get(372).replace("?", "")).isEqualTo(tokens.get(357));
        assertThat(defects.get(373).replace("?", "")).isEqualTo(tokens.get(357));
        assertThat(valid + invalid).isEqualTo(vectors.get("numberOfTests").asInt()).isEqualTo(401);
        assertThat(valid).isEqualTo(46);
    }

    private static Map<String, Object> jwk(JsonNode group) {
        JsonNode key = group.has("public") ? group.get("public") : group.get("private");
        @SuppressWarnings("unchecked")
        Map<String, Object> map = JSON.convertValue(key, Map.class);
        return map;
    }
}
