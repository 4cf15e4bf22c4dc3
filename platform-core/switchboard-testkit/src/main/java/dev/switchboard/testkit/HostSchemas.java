package dev.switchboard.testkit;

import dev.switchboard.api.Schemas;
import dev.switchboard.runtime.config.JsonSchemas;

/**
 * The host's JSON Schema service, for unit tests of plugin code that takes a {@link Schemas}
 * (what {@code Platform.schemas()} gives the plugin at run time), without starting a host.
 */
public final class HostSchemas {

    private HostSchemas() {
    }

    /** The same service a live plugin gets. */
    public static Schemas get() {
        return JsonSchemas.INSTANCE;
    }
}
