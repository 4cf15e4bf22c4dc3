package dev.switchboard.runtime.http;

import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.util.UrlEncoded;
import org.eclipse.jetty.util.Utf8StringBuilder;

import java.util.Optional;

/**
 * What to tell a client whose request target (path or query) cannot be decoded, in words it can
 * act on. Jetty refuses a bad path before any route runs, with a terse reason ("Bad Request",
 * "Ambiguous URI path separator"); {@link #pathDetail} rewrites that reason. A bad query is only
 * found when a route first asks for a parameter, deep in its code: {@link #queryProblem} checks the
 * whole query up front, so the answer is a 400 naming the parameter rather than a 500.
 */
public final class MalformedTargets {

    private static final String PERCENT_RULE = "a '%' must be followed by two hexadecimal digits; write a literal '%' as %25";

    private MalformedTargets() {
    }

    /**
     * The detail for a 400 Jetty raised while reading the request target, or null when the
     * reason is not about the target.
     *
     * @param reason Jetty's reason (a {@link UriCompliance.Violation} description, or "Bad Request")
     * @param cause  the exception Jetty raised, whose causes say what the parser disliked
     */
    public static String pathDetail(String reason, Throwable cause) {
        for (UriCompliance.Violation violation : UriCompliance.Violation.values()) {
            if (violation.getDescription().equals(reason)) {
                return describe(violation);
            }
        }
        for (Throwable problem = cause; problem != null; problem = problem.getCause()) {
            String message = problem.getMessage() == null ? "" : problem.getMessage();
            if (problem instanceof NumberFormatException || message.contains("% encoding")) {
                return "The request path has a malformed percent-encoding: " + PERCENT_RULE + ".";
            }
            if (message.contains("Illegal character")) {
                return "The request path contains a character no route accepts: a control character such as NUL (%00), "
                        + "a space or a quote, raw or percent-encoded.";
            }
        }
        return null;
    }

    private static String describe(UriCompliance.Violation violation) {
        return switch (violation) {
            case AMBIGUOUS_PATH_SEPARATOR -> "The request path contains an encoded '/' (%2F), which routes cannot tell from a separator; "
                    + "Switchboard refuses it. Send the value as a query parameter instead.";
            case AMBIGUOUS_PATH_SEGMENT -> "The request path contains an encoded '.' or '..' segment (such as %2e%2e), "
                    + "which Switchboard refuses.";
            case AMBIGUOUS_EMPTY_SEGMENT -> "The request path contains an empty segment ('//'), which Switchboard refuses.";
            case AMBIGUOUS_PATH_PARAMETER -> "The request path contains a ';' parameter in a '.' or '..' segment, which Switchboard refuses.";
            case AMBIGUOUS_PATH_ENCODING -> "The request path contains an encoded '%' (%25), which Switchboard refuses as ambiguous.";
            case UTF16_ENCODINGS -> "The request path uses %u escapes (UTF-16), which are not part of URLs; percent-encode UTF-8 bytes instead.";
            case BAD_UTF8_ENCODING, TRUNCATED_UTF8_ENCODING -> "The request path's percent-encoded bytes are not valid UTF-8.";
            case BAD_PERCENT_ENCODING -> "The request path has a malformed percent-encoding: " + PERCENT_RULE + ".";
            case SUSPICIOUS_PATH_CHARACTERS, ILLEGAL_PATH_CHARACTERS -> "The request path contains a character no route accepts: "
                    + "a control character such as NUL (%00), or a '\\'.";
            case USER_INFO -> "The request target contains user information (user@host), which Switchboard refuses.";
            case FRAGMENT -> "The request target contains a fragment ('#...'), which clients must not send.";
        };
    }

    /**
     * What is wrong with a raw (still percent-encoded) query string, naming the first parameter
     * that cannot be decoded as UTF-8; empty when every parameter decodes.
     */
    public static Optional<String> queryProblem(String rawQuery) {
        if (rawQuery == null || rawQuery.indexOf('%') < 0) {
            return Optional.empty();
        }
        for (String pair : rawQuery.split("&", -1)) {
            int equals = pair.indexOf('=');
            String rawName = equals < 0 ? pair : pair.substring(0, equals);
            String nameProblem = decodingProblem(rawName);
            if (nameProblem != null) {
                return Optional.of("A query parameter name (" + Problems.echo(rawName) + ") is not valid: " + nameProblem + ".");
            }
            if (equals >= 0) {
                String valueProblem = decodingProblem(pair.substring(equals + 1));
                if (valueProblem != null) {
                    return Optional.of("The query parameter " + Problems.echo(decode(rawName)) + " is not valid: " + valueProblem + ".");
                }
            }
        }
        return Optional.empty();
    }

    /**
     * Why {@code raw} cannot be percent-decoded to UTF-8 text, or null when it can. Decoded by
     * Jetty's own query decoder, the one a route's {@code getParameter} runs, so that what passes
     * here decodes there.
     */
    private static String decodingProblem(String raw) {
        if (raw.indexOf('%') < 0) {
            return null;
        }
        try {
            UrlEncoded.decodeUtf8To(raw, 0, raw.length(), (name, value) -> { });
            return null;
        } catch (Utf8StringBuilder.Utf8IllegalArgumentException e) {
            return "its percent-encoded bytes are not valid UTF-8";
        } catch (IllegalArgumentException e) {
            return "'" + badEscape(raw) + "' is not a percent-encoded byte (" + PERCENT_RULE + ")";
        }
    }

    /** The first '%' escape of {@code raw} without two hexadecimal digits (Jetty's message garbles a cut-off one). */
    private static String badEscape(String raw) {
        for (int i = raw.indexOf('%'); i >= 0; i = raw.indexOf('%', i + 1)) {
            if (i + 2 >= raw.length() || Character.digit(raw.charAt(i + 1), 16) < 0 || Character.digit(raw.charAt(i + 2), 16) < 0) {
                return raw.substring(i, Math.min(raw.length(), i + 3));
            }
        }
        return "%";
    }

    /** The decoded text of a parameter name known to decode. */
    private static String decode(String rawName) {
        StringBuilder decoded = new StringBuilder();
        UrlEncoded.decodeUtf8To(rawName, 0, rawName.length(), (name, value) -> decoded.append(name));
        return decoded.toString();
    }
}
