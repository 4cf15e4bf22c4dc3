package dev.switchboard.api;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * When and how the host compresses responses, as a plugin sets it with
 * {@link Platform#compression}. The host does the work, streaming, with
 * {@code Vary: Accept-Encoding} and ETags kept apart; the plugin only says when and with which
 * encodings. Whatever the settings, event streams ({@code text/event-stream}) are never
 * compressed (a compressor holds back bytes an event stream must deliver now), nor are bodies
 * that are compressed already (images, audio, video, fonts, archives, or a response that has a
 * {@code Content-Encoding}), nor request bodies decompressed.
 *
 * @param minSize       responses whose {@code Content-Length} is below this many bytes go as they
 *                      are; a response of unknown length is compressed
 * @param mimeTypes     compress only these types ({@code application/json}, {@code text/html});
 *                      empty: every type but those compressed already. A response's type is
 *                      compared with its parameters but {@code charset}: the Prometheus text
 *                      format is {@code text/plain; version=0.0.4}, not {@code text/plain}
 * @param excludedPaths paths never compressed, as Jetty path specs: {@code /downloads/*},
 *                      {@code *.zip}, or a regex starting with {@code ^}
 * @param encodings     the encodings offered, in the server's order of preference: among those
 *                      the client's {@code Accept-Encoding} rates highest (q-values), the first
 *                      of this list wins. Not empty, each encoding once.
 * @since 0.1.0
 */
public record ResponseCompression(int minSize, Set<String> mimeTypes, Set<String> excludedPaths, List<Encoding> encodings) {

    /**
     * One content coding and its level: {@code br} (brotli, quality 0 to 11), {@code zstd}
     * (Zstandard, level 1 to 22) or {@code gzip} (level 1 to 9). Higher compresses smaller and
     * costs more CPU per byte; for responses made per request, brotli 4-5, zstd 3 and gzip 6 are
     * the usual choices (brotli's maximum, 11, is for files compressed once).
     *
     * @param name  {@code br}, {@code zstd} or {@code gzip}
     * @param level within the encoding's range above
     * @since 0.1.0
     */
    public record Encoding(String name, int level) {

        public Encoding {
            name = Objects.requireNonNull(name, "name").strip().toLowerCase(Locale.ROOT);
            int max = switch (name) {
                case "br" -> 11;
                case "zstd" -> 22;
                case "gzip" -> 9;
                default -> throw new IllegalArgumentException("'" + name + "' is not an encoding the host compresses with (br, zstd, gzip)");
            };
            int min = name.equals("br") ? 0 : 1;
            if (level < min || level > max) {
                throw new IllegalArgumentException(name + " level " + level + " is out of range, " + min + " to " + max);
            }
        }

        /** Brotli at {@code quality} (0 to 11). */
        public static Encoding brotli(int quality) {
            return new Encoding("br", quality);
        }

        /** Zstandard at {@code level} (1 to 22). */
        public static Encoding zstd(int level) {
            return new Encoding("zstd", level);
        }

        /** Gzip at {@code level} (1 to 9). */
        public static Encoding gzip(int level) {
            return new Encoding("gzip", level);
        }
    }

    public ResponseCompression {
        if (minSize < 0) {
            throw new IllegalArgumentException("minSize must not be negative, was " + minSize);
        }
        mimeTypes = Objects.requireNonNull(mimeTypes, "mimeTypes").stream()
                .map(type -> type.strip().toLowerCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());
        for (String type : mimeTypes) {
            if (!type.matches("[a-z0-9!#$&^_.+-]+/[a-z0-9!#$&^_.+*-]+( *; *[a-z0-9!#$&^_.+-]+=[a-z0-9!#$&^_.+-]+)*")) {
                throw new IllegalArgumentException("'" + type + "' is not a media type like application/json or text/plain; version=0.0.4");
            }
        }
        excludedPaths = Set.copyOf(Objects.requireNonNull(excludedPaths, "excludedPaths"));
        encodings = List.copyOf(Objects.requireNonNull(encodings, "encodings"));
        if (encodings.isEmpty()) {
            throw new IllegalArgumentException("encodings must name at least one encoding");
        }
        Set<String> seen = new HashSet<>();
        for (Encoding encoding : encodings) {
            if (!seen.add(encoding.name())) {
                throw new IllegalArgumentException("encoding " + encoding.name() + " is listed twice");
            }
        }
    }

    /** Gzip at level 6 only: the settings before encodings could be chosen. */
    public ResponseCompression(int minSize, Set<String> mimeTypes, Set<String> excludedPaths) {
        this(minSize, mimeTypes, excludedPaths, List.of(Encoding.gzip(6)));
    }

    /** Every type but those compressed already, from {@code minSize} bytes, on every path, with gzip at level 6. */
    public static ResponseCompression from(int minSize) {
        return new ResponseCompression(minSize, Set.of(), Set.of());
    }
}
