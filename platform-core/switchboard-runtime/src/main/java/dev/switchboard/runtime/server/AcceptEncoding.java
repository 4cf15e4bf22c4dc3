package dev.switchboard.runtime.server;

import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.QuotedQualityCSV;
import org.eclipse.jetty.server.Request;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Which encoding answers a request, from its {@code Accept-Encoding} (RFC 9110 §12.5.3): the
 * offered encoding the client rates highest, the server's order deciding among equal ratings;
 * {@code q=0} refuses one; {@code *} stands for any offered encoding the header does not name.
 * Jetty's {@code CompressionHandler} either follows the header's order among equal ratings (gzip
 * for Chrome's {@code gzip, deflate, br, zstd}) or, with preferred encodings, ignores the ratings
 * altogether; so the host decides here and hands Jetty a header naming the one encoding.
 * Values that do not parse (a q of {@code abc}) are read as Jetty's parser reads them, never as
 * an error: the worst outcome of a bad header is an uncompressed answer.
 */
final class AcceptEncoding {

    private AcceptEncoding() {
    }

    /** The encoding for {@code acceptEncoding} (the header's values) among {@code offered}; null for none. */
    static String negotiate(List<String> acceptEncoding, List<String> offered) {
        if (acceptEncoding.isEmpty()) {
            return null;
        }
        QuotedQualityCSV values = new QuotedQualityCSV(value -> {
            int index = offered.indexOf(value);
            return index < 0 ? 0 : offered.size() - index;
        });
        // Codings and the q parameter are case-insensitive; Jetty's parser reads only a lower-case q.
        acceptEncoding.forEach(value -> values.addValue(value.toLowerCase(Locale.ROOT)));
        Set<String> named = new HashSet<>();
        for (QuotedQualityCSV.QualityValue value : values.getQualityValues()) {
            named.add(value.getValue());
        }
        for (QuotedQualityCSV.QualityValue value : values.getQualityValues()) {
            if (!value.isAcceptable()) {
                continue;
            }
            String name = value.getValue();
            if (offered.contains(name)) {
                return name;
            }
            if (name.equals("*")) {
                for (String encoding : offered) {
                    if (!named.contains(encoding)) {
                        return encoding;
                    }
                }
            }
        }
        return null;
    }

    /** {@code request} with an {@code Accept-Encoding} that names {@code encoding} alone, or none when it is null. */
    static Request only(Request request, String encoding) {
        HttpFields headers = request.getHeaders();
        if (encoding == null && !headers.contains(HttpHeader.ACCEPT_ENCODING)) {
            return request;
        }
        HttpFields.Mutable rewritten = HttpFields.build(headers);
        if (encoding == null) {
            rewritten.remove(HttpHeader.ACCEPT_ENCODING);
        } else {
            rewritten.put(HttpHeader.ACCEPT_ENCODING, encoding);
        }
        HttpFields fixed = rewritten.asImmutable();
        return new Request.Wrapper(request) {
            @Override
            public HttpFields getHeaders() {
                return fixed;
            }
        };
    }
}
