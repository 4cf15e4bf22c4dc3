package dev.switchboard.plugins.kong.policy;

import java.util.Map;
import java.util.Set;

/**
 * The {@code config} of a Kong {@code request-size-limiting} plugin entry (Kong 3.9's defaults:
 * 128 megabytes).
 *
 * @param limitBytes the largest body allowed
 */
public record RequestSizeConf(long limitBytes, boolean requireContentLength) implements PluginConf {

    static final Set<String> FIELDS = Set.of("allowed_payload_size", "size_unit", "require_content_length");
    private static final Map<String, Long> UNITS = Map.of("bytes", 1L, "kilobytes", 1024L, "megabytes", 1024L * 1024);

    static RequestSizeConf parse(Node config) throws PolicyException {
        Node fields = config.orEmpty().only(FIELDS);
        long size = fields.field("allowed_payload_size").integer(0, Integer.MAX_VALUE).orElse(128L);
        String unit = fields.field("size_unit").oneOf("megabytes", UNITS.keySet());
        return new RequestSizeConf(size * UNITS.get(unit), fields.field("require_content_length").bool(false));
    }

    @Override
    public String name() {
        return "request-size-limiting";
    }
}
