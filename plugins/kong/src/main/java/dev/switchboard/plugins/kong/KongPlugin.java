package dev.switchboard.plugins.kong;

import dev.switchboard.api.Health;
import dev.switchboard.api.Platform;
import dev.switchboard.api.SwitchboardPlugin;
import dev.switchboard.plugins.kong.jwt.JwksSource;
import org.pf4j.Extension;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;

/**
 * The kong plugin: Kong's {@code jwt}, {@code rate-limiting} and {@code cors} plugins run in
 * process, configured by a Kong declarative config file ({@code kong.declarative_config}), so the
 * same policy can move to a real Kong unchanged. docs/kong.md is the manual.
 */
@Extension
public final class KongPlugin implements SwitchboardPlugin {

    private RateLimitCounters counters;
    private Gateway gateway;
    private KongAdmin admin;

    @Override
    public void start(Platform platform) throws Exception {
        KongConfig config = platform.config().bind(KongConfig.class).check();
        counters = new RateLimitCounters();
        PolicySource source = null;
        if (!config.declarativeConfig().isBlank()) {
            Path file = Path.of(config.declarativeConfig());
            if (!Files.isRegularFile(file)) {
                throw new IllegalArgumentException("kong.declarative_config: no file at " + file.toAbsolutePath());
            }
            // Redis clients of servers a new policy no longer names are closed.
            source = new PolicySource(file, platform.log(), platform.schemas(), counters::policyChanged);
            if (!source.reload()) {
                // The first read has no previous policy to fall back on: the plugin fails alone.
                throw new IllegalArgumentException("kong.declarative_config: " + source.state().error());
            }
        }
        gateway = new Gateway(config, source, counters, Clock.systemUTC());
        if (source != null) {
            // With a policy in force, identity comes from it alone (the jwt filter, a trusted Kong),
            // never from the host's loopback development principal, which would otherwise make
            // every loopback caller an admin, a local Kong or sidecar included.
            platform.ownAuthentication();
        }
        for (KongConfig.Jwks jwks : config.jwks()) {
            JwksSource keys = new JwksSource(IdentityProviders.uri(jwks.uri()), jwks.refresh(), jwks.timeout(), Clock.systemUTC(), platform.log());
            gateway.identityProviders.add(jwks.key(), keys, jwks.consumer());
            keys.start();
        }
        platform.filter(new TrustedProxyFilter(gateway));
        platform.filter(new CorsFilter(gateway));
        platform.filter(new JwtFilter(gateway));
        platform.filter(new RequestValidatorFilter(gateway));
        platform.filter(new RequestSizeFilter(gateway));
        platform.filter(new RateLimitFilter(gateway, platform.log()));
        admin = config.adminUrl().isBlank() ? null
                : new KongAdmin(config.adminUrl(), config.adminTimeout());
        KongStatus status = new KongStatus(gateway, platform.plugin().version(), admin);
        platform.jaxrs(status);
        platform.healthCheck("gateway", status::health);
        platform.command("export", "write a Kong declarative config (kong.yml) for a real Kong in front of Switchboard",
                new KongExport(gateway, platform::routes));
        if (config.tokens().enabled()) {
            platform.jaxrs(new AuthResource(gateway, new TokenService(config, Clock.systemUTC())));
        }
        if (source != null && config.watch()) {
            source.watch();
        }
        platform.log().info("kong {}: {}", platform.plugin().version(), source == null
                ? "inactive (no kong.declarative_config): every request passes through"
                : "policy " + source.file() + (config.watch() ? ", watched" : ""));
    }

    @Override
    public void stop() {
        if (gateway != null) {
            gateway.close();
        } else if (counters != null) {
            // start() failed before the gateway that owns them was made.
            counters.close();
        }
        if (admin != null) {
            admin.close();
        }
    }
}
