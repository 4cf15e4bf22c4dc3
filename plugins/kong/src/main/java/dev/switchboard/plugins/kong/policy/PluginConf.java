package dev.switchboard.plugins.kong.policy;

/** The parsed {@code config} of one Kong plugin entry. */
public sealed interface PluginConf permits JwtConf, RateLimitConf, CorsConf, RequestSizeConf, RequestValidatorConf {

    /** Kong's name of the plugin. */
    String name();
}
