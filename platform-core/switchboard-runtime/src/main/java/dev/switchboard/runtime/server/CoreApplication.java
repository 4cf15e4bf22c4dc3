package dev.switchboard.runtime.server;

import dev.switchboard.runtime.config.ConfigException;
import dev.switchboard.runtime.config.Settings;
import dev.switchboard.runtime.events.EventHub;
import dev.switchboard.runtime.events.EventsResource;
import dev.switchboard.runtime.events.StreamsAdminResource;
import dev.switchboard.runtime.http.JerseyApps;
import dev.switchboard.runtime.plugins.PluginManager;
import dev.switchboard.runtime.skills.JobManager;
import dev.switchboard.runtime.skills.JobsResource;
import dev.switchboard.runtime.skills.SkillRegistry;
import dev.switchboard.runtime.skills.SkillsAdminResource;
import dev.switchboard.runtime.skills.SkillsResource;
import dev.switchboard.runtime.web.AdminAccessFilter;
import dev.switchboard.runtime.web.AdminEvents;
import dev.switchboard.runtime.web.AdminResource;
import dev.switchboard.runtime.web.HealthResource;
import dev.switchboard.runtime.web.HostState;
import org.eclipse.jetty.util.InetAddressSet;
import org.glassfish.jersey.server.ResourceConfig;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The host's own JAX-RS application, never reloaded: health, the admin API (behind its address
 * and token check), events, skills and jobs. {@link dev.switchboard.runtime.web.HostServlet}
 * builds it once, at its first request.
 */
record CoreApplication(Settings settings, Path pluginsDir, Supplier<HostState> state, PluginManager plugins,
                       AdminEvents adminEvents, InetAddressSet adminAddresses, String adminToken, EventHub hub,
                       SkillRegistry skills, JobManager jobs) {

    ResourceConfig resourceConfig() {
        ResourceConfig core = JerseyApps.resourceConfig("core", CoreApplication.class.getClassLoader());
        Map<String, Object> about = new LinkedHashMap<>();
        about.put("name", "Switchboard");
        about.put("version", Versions.switchboard());
        about.put("pluginsDir", pluginsDir.toString());
        core.register(new HealthResource(state, plugins, skills::views, settings.health().checkTimeout(),
                settings.health().failOnPluginFailure()));
        core.register(new AdminResource(plugins, adminEvents, about));
        core.register(new AdminAccessFilter(adminAddresses, adminToken));
        core.register(AdminResource.OperationExceptionMapper.class);
        core.register(new EventsResource(hub));
        core.register(new StreamsAdminResource(hub));
        core.register(new SkillsResource(skills, settings.skills().maxInputSize().bytes()));
        core.register(new JobsResource(jobs, settings.skills().maxInputSize().bytes()));
        core.register(new SkillsAdminResource(skills));
        return core;
    }

    /**
     * The addresses the admin API answers, from {@code admin.allowed_addresses}.
     *
     * @throws ConfigException naming every pattern that is not an address or CIDR range
     */
    static InetAddressSet adminAddresses(List<String> patterns) {
        InetAddressSet set = new InetAddressSet();
        List<String> problems = new ArrayList<>();
        for (String pattern : patterns) {
            try {
                set.add(pattern.strip());
            } catch (RuntimeException e) {
                problems.add("admin.allowed_addresses: '" + pattern + "' is not an IP address or CIDR range (like 10.0.0.0/8)");
            }
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return set;
    }
}
