package dev.switchboard.runtime.http;

import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * How the host reads JSON that a client sent: a key given twice in one object is refused, not
 * silently resolved to its last value. Which of two values a parser keeps differs between
 * parsers (RFC 8259 section 4 leaves it open), so a body a gateway check read one way could
 * reach a route meaning the other; refusing it is what RFC 7493 (I-JSON) asks.
 */
public final class ClientJson {

    private static final JsonMapper SHARED = mapper();

    private ClientJson() {
    }

    /** A new mapper with the host's reading rules (a Jersey application needs its own, see {@link JerseyApps}). */
    public static JsonMapper mapper() {
        return JsonMapper.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
    }

    /** The body as a JSON tree, null when it is empty; a 400 problem saying why when it is not JSON. */
    public static JsonNode read(byte[] body) {
        if (body.length == 0) {
            return null;
        }
        try {
            JsonNode tree = SHARED.readTree(body);
            return tree == null || tree.isMissingNode() ? null : tree;
        } catch (JacksonException e) {
            throw Problems.exception(400, "The body is not valid JSON: " + e.getOriginalMessage());
        }
    }
}
