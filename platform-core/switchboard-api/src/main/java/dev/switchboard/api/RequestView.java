package dev.switchboard.api;

import java.util.List;
import java.util.Optional;

/**
 * What can be read of an HTTP request: method, path, query, headers, cookies and client address.
 *
 * @since 0.1.0
 */
public interface RequestView {

    /** The request method, upper case. */
    String method();

    /** The decoded request path, starting with {@code /}. */
    String path();

    /** The raw query string without {@code ?}, or empty. */
    Optional<String> query();

    /** The first value of a query parameter. */
    Optional<String> queryParam(String name);

    /** The first value of a request header (case-insensitive name). */
    Optional<String> header(String name);

    /** Every value of a request header, in order. */
    List<String> headers(String name);

    /** The value of a request cookie. */
    Optional<String> cookie(String name);

    /** The client's IP address as seen by the host (no proxy headers are trusted here). */
    String remoteAddress();

    /** Whether the request arrived over TLS. */
    boolean secure();
}
