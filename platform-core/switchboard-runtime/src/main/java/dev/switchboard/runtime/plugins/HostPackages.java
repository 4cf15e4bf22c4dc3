package dev.switchboard.runtime.plugins;

import java.util.List;

/**
 * What a plugin sees of the host (decision 0019). Classes under {@link #SHARED} always come from
 * the host, whatever the plugin jar holds, so the plugin's annotations, interfaces and loggers are
 * the ones the host looks for (a plugin bundling the JAX-RS API would have its endpoints silently
 * ignored). Every other library on the host's class path is invisible: a plugin that needs one
 * bundles its own copy, so the host can upgrade or drop its libraries without breaking plugins.
 */
final class HostPackages {

    /**
     * Loaded from the host. The first group is what a plugin may compile against; the second is
     * not API, but the JAX-RS runtime the host runs a plugin's resources on looks these up
     * through the plugin's class loader (as context loader), so they must resolve there too.
     */
    static final List<String> SHARED = List.of(
            // What plugins compile against.
            "dev.switchboard.api.", "jakarta.ws.rs.", "jakarta.inject.", "jakarta.annotation.",
            "org.pf4j.", "org.slf4j.", "io.micrometer.", "tools.jackson.", "com.fasterxml.jackson.annotation.",
            // The JAX-RS runtime's own lookups; not API.
            "org.glassfish.jersey.", "org.glassfish.hk2.", "org.jvnet.hk2.", "javassist.",
            "jakarta.activation.", "jakarta.xml.bind.", "jakarta.validation.");

    /** Never visible to plugins: the host's internals. Plugins use dev.switchboard.api. */
    static final String INTERNAL = "dev.switchboard.runtime.";

    /**
     * A jar holding classes under these paths bundles a host API: it is rejected, because the
     * bundled copy means the plugin was built against the API with the wrong scope.
     */
    static final List<String> MUST_NOT_BUNDLE = List.of(
            "dev/switchboard/api/", "jakarta/ws/rs/", "org/pf4j/", "org/slf4j/", "org/glassfish/jersey/");

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
