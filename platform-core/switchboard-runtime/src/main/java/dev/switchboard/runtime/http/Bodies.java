package dev.switchboard.runtime.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/** Reading a request body with a size limit of the route's own (tighter than limits.max_request_body). */
public final class Bodies {

    /**
     * A declared body that is too large but at most this many bytes is read and discarded before
     * the 413 is sent. Answering first and closing with unread bytes in the socket makes the kernel
     * reset the connection, and a client still sending its body then loses the 413.
     */
    public static final long DRAIN_LIMIT = 16L * 1024 * 1024;

    private Bodies() {
    }

    /**
     * The body's bytes; a 413 problem naming {@code limitName} when it is larger than {@code max}.
     *
     * @param declaredLength the Content-Length, or -1 when none was sent
     */
    public static byte[] readLimited(InputStream body, long declaredLength, long max, String limitName) throws IOException {
        if (declaredLength > max) {
            if (declaredLength <= DRAIN_LIMIT) {
                body.transferTo(OutputStream.nullOutputStream());
            }
            throw tooLarge(max, limitName);
        }
        if (declaredLength >= 0) {
            // The usual case: read exactly what was declared (readNBytes(max) would allocate for the maximum).
            byte[] bytes = body.readNBytes((int) declaredLength);
            if (body.read() >= 0) {
                throw Problems.exception(400, "The body is longer than its Content-Length.");
            }
            return bytes;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(1024);
        byte[] buffer = new byte[4096];
        int read;
        while ((read = body.read(buffer)) >= 0) {
            bytes.write(buffer, 0, read);
            if (bytes.size() > max) {
                throw tooLarge(max, limitName);
            }
        }
        return bytes.toByteArray();
    }

    private static RuntimeException tooLarge(long max, String limitName) {
        return Problems.exception(413, "The body is larger than " + limitName + " (" + max + " bytes).");
    }
}
