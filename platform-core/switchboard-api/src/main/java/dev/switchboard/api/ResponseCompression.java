package dev.switchboard.api;

import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * When the host compresses responses (gzip, for clients that accept it), as a plugin sets it
 * with {@link Platform#compression}. The host does the work, streaming, with
 * {@code Vary: Accept-Encoding} and ETags kept apart; the plugin only says when. Whatever the
 * settings, event streams ({@code text/event-stream}) are never compressed (a compressor holds
 * back bytes an event stream must deliver now), nor are bodies that are compressed already
 * (images, audio, video, fonts, archives), nor request bodies decompressed.
 *
 * @param minSize       responses whose {@code Content-Length} is below this many bytes go as they
 *                      are; a response of unknown length is compressed
 * @param mimeTypes     compress only these types ({@code application/json}, {@code text/html});
 *                      empty: every type but those compressed already
 * @param excludedPaths paths never compressed, as Jetty path specs: {@code /downloads/*},
 *                      {@code *.zip}, or a regex starting with {@code ^}
 * @since 0.1.0
 */
public record ResponseCompression(int minSize, Set<String> mimeTypes, Set<String> excludedPaths) {

    public ResponseCompression {
        if (minSize < 0) {
            throw new IllegalArgumentException("minSize must not be negative, was " + minSize);
        }
        mimeTypes = Objects.requireNonNull(mimeTypes, "mimeTypes").stream()
                .map(type -> type.strip().toLowerCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());
        for (String type : mimeTypes) {
            if (!type.matches("[a-z0-9!#$&^_.+-]+/[a-z0-9!#$&^_.+*-]+")) {
                throw new IllegalArgumentException("'" + type + "' is not a media type like application/json");
            }
        }
        excludedPaths = Set.copyOf(Objects.requireNonNull(excludedPaths, "excludedPaths"));
    }

    /** Every type but those compressed already, from {@code minSize} bytes, on every path. */
    public static ResponseCompression from(int minSize) {
        return new ResponseCompression(minSize, Set.of(), Set.of());
    }
}
