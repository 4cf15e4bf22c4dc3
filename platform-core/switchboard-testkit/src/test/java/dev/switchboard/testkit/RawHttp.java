package dev.switchboard.testkit;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** A request sent byte for byte over a socket, for what an HTTP client would refuse to send (or would encode). */
final class RawHttp {

    private RawHttp() {
    }

    /** Sends {@code request} as it is to the host and returns everything it answers until it closes the connection. */
    static String send(SwitchboardExtension switchboard, String request) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", switchboard.baseUri().getPort())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }
}
