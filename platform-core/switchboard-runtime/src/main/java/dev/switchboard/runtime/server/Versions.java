package dev.switchboard.runtime.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** The host's version, as the build stamped it. */
public final class Versions {

    private static final String VERSION = load();

    private Versions() {
    }

    /** The Switchboard version, e.g. {@code 0.1.0}. */
    public static String switchboard() {
        return VERSION;
    }

    private static String load() {
        try (InputStream in = Versions.class.getResourceAsStream("/dev/switchboard/runtime/version.properties")) {
            Properties properties = new Properties();
            if (in != null) {
                properties.load(in);
            }
            return properties.getProperty("version", "0.0.0");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
