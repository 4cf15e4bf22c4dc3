package dev.switchboard.testkit;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Test principals behind bearer tokens. The testkit turns them into a small authenticator plugin
 * ({@value #PLUGIN_ID}) that it installs in the test host, so requests authenticate exactly as
 * they would with a real gateway plugin, through the public {@code Authenticator} extension point:
 * the token may come in the {@code Authorization} header, the {@code access_token} query
 * parameter or the {@code switchboard_token} cookie. An unknown token is answered 401.
 *
 * <p>Because an authenticator plugin is live, the host's loopback development principal is off.
 */
final class TestPrincipals {

    static final String PLUGIN_ID = "testkit-auth";

    private final Map<String, String> byToken = new LinkedHashMap<>();

    void add(String token, String id, String... roles) {
        if (token.isBlank() || token.contains(" ") || token.contains(",") || id.contains(" ") || id.contains(",")) {
            throw new IllegalArgumentException("tokens and ids must not be blank or contain spaces or commas");
        }
        byToken.put(token, id + (roles.length == 0 ? "" : " " + String.join(" ", roles)));
    }

    boolean isEmpty() {
        return byToken.isEmpty();
    }

    /** The value of {@code testkit-auth.principals}: {@code token id role...} entries, comma-separated. */
    String setting() {
        List<String> entries = new ArrayList<>();
        byToken.forEach((token, principal) -> entries.add(token + " " + principal));
        return String.join(",", entries);
    }

    static Path plugin(Path directory) {
        return PluginJarBuilder.plugin(PLUGIN_ID, "1.0.0")
                .requires(">=0.1.0")
                .configSchema("""
                        {"type":"object","additionalProperties":false,"properties":{
                          "principals":{"type":"array","items":{"type":"string"},"default":[],
                                        "description":"token id role... entries"}}}""")
                .source("""
                        package dev.switchboard.testkit.auth;

                        import dev.switchboard.api.*;
                        import org.pf4j.Extension;
                        import java.util.*;

                        @Extension
                        public class TestAuthPlugin implements SwitchboardPlugin {
                            public record Settings(List<String> principals) {}

                            @Override
                            public void start(Platform platform) {
                                Map<String, Principal> byToken = new HashMap<>();
                                for (String entry : platform.config().bind(Settings.class).principals()) {
                                    String[] parts = entry.strip().split(" +");
                                    Set<String> roles = new HashSet<>(Arrays.asList(parts).subList(2, parts.length));
                                    byToken.put(parts[0], new Principal(parts[1], roles));
                                }
                                platform.authenticator(request -> request.bearerToken().map(token -> {
                                    Principal principal = byToken.get(token);
                                    if (principal == null) {
                                        throw new AuthenticationException("Unknown token.");
                                    }
                                    return principal;
                                }));
                            }
                        }
                        """)
                .build(directory);
    }
}
