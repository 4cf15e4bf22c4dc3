package dev.switchboard.runtime.plugins;

import java.util.List;

/**
 * The packages a plugin shares with the host. Their classes must be the host's own, or the
 * plugin's annotations, interfaces and loggers would not be the ones the host looks for (a plugin
 * bundling the JAX-RS API has its endpoints silently ignored).
 */
final class HostPackages {

    /** Always loaded from the host, whatever the plugin jar holds. */
    static final List<String> SHARED = List.of(
            "dev.switchboard.api.",
            "jakarta.ws.rs.", "jakarta.inject.", "jakarta.annotation.", "jakarta.servlet.",
            "org.pf4j.", "org.slf4j.", "io.micrometer.",
            "org.glassfish.jersey.", "org.glassfish.hk2.", "org.jvnet.hk2.",
            "org.eclipse.jetty.",
            "tools.jackson.", "com.fasterxml.jackson.annotation.");

    /** Never visible to plugins: the host's internals. Plugins use dev.switchboard.api. */
    static final String INTERNAL = "dev.switchboard.runtime.";

    /**
     * A jar holding classes under these paths bundles a host API: it is rejected, because the
     * bundled copy means the plugin was built against the API with the wrong scope.
     */
    static final List<String> MUST_NOT_BUNDLE = List.of(
            "dev/switchboard/api/", "jakarta/ws/rs/", "org/pf4j/", "org/slf4j/",
            "org/glassfish/jersey/", "jakarta/servlet/", "org/eclipse/jetty/");

    private HostPackages() {
    }

    static boolean shared(String className) {
        for (String prefix : SHARED) {
            if (className.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }
}
