package dev.switchboard.testkit;

import dev.switchboard.runtime.config.ConfigLoader;
import dev.switchboard.runtime.config.ConfigOverride;
import dev.switchboard.runtime.lang.ContextLoader;
import dev.switchboard.runtime.plugins.LeakDetector;
import dev.switchboard.runtime.plugins.PluginManager;
import dev.switchboard.runtime.plugins.PluginView;
import dev.switchboard.runtime.server.StartupException;
import dev.switchboard.runtime.server.Switchboard;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * Boots a real Switchboard host for a test, with the plugin jars under test, on a free loopback
 * port, in a fresh home directory; stops it (gracefully) and deletes the directory afterwards.
 *
 * <pre>{@code
 * @RegisterExtension
 * static SwitchboardExtension switchboard = SwitchboardExtension.builder()
 *         .plugin(Path.of("target/hello-plugin-1.0.0.jar"))
 *         .set("hello.greeting", "Hi")
 *         .build();
 *
 * @Test
 * void greets() throws Exception {
 *     assertThat(switchboard.get("/api/hello").body()).contains("Hi");
 * }
 * }</pre>
 *
 * In a {@code static} field the host lives for the whole test class; in an instance field, for
 * each test.
 */
public final class SwitchboardExtension implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback {

    /** The admin token the test host uses, unless the test sets {@code admin.token}. */
    public static final String ADMIN_TOKEN = "switchboard-test-admin-token";

    private final List<Path> plugins;
    private final List<Path> skills;
    private final Map<String, String> settings;
    private final TestPrincipals principals;
    private final Path configFile;
    private final boolean leaksExpected;
    private final java.util.Set<String> reportedLeaks = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private Path home;
    private Switchboard host;
    private boolean perClass;

    private SwitchboardExtension(Builder builder) {
        this.plugins = List.copyOf(builder.plugins);
        this.skills = List.copyOf(builder.skills);
        this.settings = new LinkedHashMap<>(builder.settings);
        this.principals = builder.principals;
        this.configFile = builder.configFile;
        this.leaksExpected = builder.leaksExpected;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** How the host is set up. */
    public static final class Builder {
        private final List<Path> plugins = new ArrayList<>();
        private final List<Path> skills = new ArrayList<>();
        private final Map<String, String> settings = new LinkedHashMap<>();
        private final TestPrincipals principals = new TestPrincipals();
        private Path configFile;
        private boolean leaksExpected;

        private Builder() {
            settings.put("host", "127.0.0.1");
            settings.put("port", "0");
            settings.put("admin.token", ADMIN_TOKEN);
            settings.put("plugins.debounce", "50ms");
            settings.put("plugins.drain_timeout", "5s");
            settings.put("plugins.leak_check_delay", "200ms");
            settings.put("shutdown.timeout", "5s");
        }

        /** A plugin jar to put in the plugin directory before the host starts. */
        public Builder plugin(Path jar) {
            plugins.add(jar);
            return this;
        }

        /** A skill folder (with its SKILL.md) to copy into the skills directory before the host starts. */
        public Builder skill(Path folder) {
            skills.add(folder);
            return this;
        }

        /** Sets a configuration key, as {@code --set key=value} would (host keys and plugin sections alike). */
        public Builder set(String key, String value) {
            settings.put(key, value);
            return this;
        }

        /**
         * A principal that requests carrying {@code token} (as a bearer token) authenticate as.
         * With at least one, the host runs a test authenticator plugin ({@code testkit-auth}) and
         * its loopback development principal is off; a request with an unknown token gets 401.
         */
        public Builder principal(String token, String id, String... roles) {
            principals.add(token, id, roles);
            return this;
        }

        /**
         * A {@code switchboard.yaml} to read, as {@code --config} would; {@link #set} values apply
         * over it. For values a flag cannot express (lists of objects).
         */
        public Builder configFile(Path yaml) {
            configFile = yaml;
            return this;
        }

        /**
         * The tests deliberately leak plugin versions (to test leak reports): the check after each
         * test that no retired version leaked is off.
         */
        public Builder leaksExpected() {
            leaksExpected = true;
            return this;
        }

        public SwitchboardExtension build() {
            return new SwitchboardExtension(this);
        }
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        perClass = true;
        start();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        stop();
        deleteHome();
    }

    @Override
    public void beforeEach(ExtensionContext context) throws Exception {
        if (!perClass) {
            start();
        }
    }

    @Override
    public void afterEach(ExtensionContext context) throws InterruptedException {
        try {
            checkNoRequestLeftInside(Duration.ofSeconds(10));
            checkNoLeak();
        } finally {
            // A failed check still ends a per-test host, so the next test starts afresh.
            if (!perClass) {
                stop();
                deleteHome();
            }
        }
    }

    /**
     * The host's invariant after every test: once the test's requests are answered, no request is
     * left inside a plugin generation (a route that started async work and never completed it
     * would hold its plugin version from retiring for ever). Waits up to {@code patience} for stragglers.
     */
    void checkNoRequestLeftInside(Duration patience) throws InterruptedException {
        if (host == null) {
            return;
        }
        long deadline = System.nanoTime() + patience.toNanos();
        long inside;
        while ((inside = host.plugins().activeRequests()) > 0) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(inside + " request(s) still inside plugin generations " + patience.toMillis() + " ms after the "
                        + "test: a plugin route that started asynchronous work never completed it, so its plugin version cannot retire");
            }
            Thread.sleep(10);
        }
    }

    /**
     * The other invariant: no plugin version retired so far leaked (its class loader stayed
     * reachable past {@code plugins.leak_check_delay}, 200 ms here, and a few collections; see
     * {@code GET /admin/leaks}). Off with {@link Builder#leaksExpected()}.
     */
    void checkNoLeak() {
        if (host == null || leaksExpected) {
            return;
        }
        // Each leak fails one test, the first after it was found, not every later test of a class.
        List<LeakDetector.Leak> leaks = host.plugins().leaks().leaks().stream()
                .filter(leak -> reportedLeaks.add(leak.id() + "@" + leak.version() + "@" + leak.retiredAt())).toList();
        if (!leaks.isEmpty()) {
            throw new AssertionError("plugin version(s) leaked: " + leaks.stream()
                    .map(leak -> leak.id() + " " + leak.version() + " (threads " + leak.threads() + ")").toList()
                    + "; their class loaders are still reachable after they retired");
        }
    }

    /** Starts the host (the extension calls this; tests call it after {@link #stop()} to restart on the same home). */
    public void start() throws IOException, StartupException {
        if (home == null) {
            home = Files.createTempDirectory("switchboard-test-");
            Path pluginsDir = home.resolve("plugins");
            Files.createDirectories(pluginsDir);
            for (Path plugin : plugins) {
                Files.copy(plugin, pluginsDir.resolve(plugin.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
            if (!principals.isEmpty()) {
                TestPrincipals.plugin(pluginsDir);
                settings.put(TestPrincipals.PLUGIN_ID + ".principals", principals.setting());
            }
            settings.putIfAbsent("plugins.dir", pluginsDir.toString());
            Path skillsDir = home.resolve("skills");
            Files.createDirectories(skillsDir);
            for (Path skill : skills) {
                copyTree(skill, skillsDir.resolve(skill.getFileName().toString()));
            }
            settings.putIfAbsent("skills.dir", skillsDir.toString());
        }
        List<ConfigOverride> overrides = new ArrayList<>();
        settings.forEach((key, value) -> overrides.add(new ConfigOverride(key, value, "test setting " + key)));
        host = Switchboard.start(ConfigLoader.load(home, Optional.ofNullable(configFile), Map.of(), overrides));
        try {
            // Tests start once the skills are loaded too (the host itself is ready before).
            host.skillsLoaded().get(120, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("the skills directory was not read within 120 s", e);
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path source : walk.toList()) {
                Path target = to.resolve(from.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    /** Stops the host gracefully; the home directory stays until the extension ends. */
    public void stop() {
        if (host != null) {
            host.close();
            host = null;
        }
    }

    private void deleteHome() {
        if (home == null) {
            return;
        }
        try (Stream<Path> walk = Files.walk(home)) {
            for (Path path : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            // best effort: a temp directory
        }
        home = null;
    }

    /**
     * The running host itself, for Switchboard's own tests. Its types are the host's internals,
     * which change without notice: a plugin's tests use the methods of this class instead.
     */
    Switchboard host() {
        if (host == null) {
            throw new IllegalStateException("the Switchboard host is not running");
        }
        return host;
    }

    /** The host's metrics registry (what plugins get as {@code Platform.meters()}). */
    public MeterRegistry meters() {
        return host().meters();
    }

    /** {@code http://127.0.0.1:<port>} */
    public URI baseUri() {
        return host().httpUri();
    }

    public URI uri(String path) {
        return baseUri().resolve(path);
    }

    public String adminToken() {
        return host().adminToken();
    }

    public Path home() {
        return home;
    }

    public Path pluginsDir() {
        return host().config().pluginsDir();
    }

    public HttpClient client() {
        return client;
    }

    /** GET {@code path}, body as text. */
    public HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(uri(path)).GET().build());
    }

    public HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
        return client.send(request, HttpResponse.BodyHandlers.ofString());
    }

    /** A request to {@code path} with {@code Authorization: Bearer <token>}. */
    public HttpRequest.Builder as(String token, String path) {
        return HttpRequest.newBuilder(uri(path)).header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(60));
    }

    /** Publishes an event as the holder of {@code token}: {@code POST /api/events/<topic>} with {@code json}. */
    public HttpResponse<String> publish(String token, String topic, String json) throws IOException, InterruptedException {
        return send(as(token, "/api/events/" + topic).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build());
    }

    /** Opens {@code GET path} as an event stream, with {@code Authorization: Bearer <token>} unless the token is null. */
    public SseClient stream(String token, String path) throws IOException, InterruptedException {
        return SseClient.open(client, uri(path), token == null ? Map.of() : Map.of("Authorization", "Bearer " + token));
    }

    /** A request to {@code path} that carries the admin token. */
    public HttpRequest.Builder admin(String path) {
        return HttpRequest.newBuilder(uri(path)).header("Authorization", "Bearer " + adminToken()).timeout(Duration.ofSeconds(60));
    }

    /**
     * Puts a jar into the plugin directory the way operators should: copied next to it under a
     * hidden name, then renamed into place in one step.
     *
     * @param fileName the name in the plugin directory
     */
    public Path deploy(Path jar, String fileName) {
        try {
            Path target = pluginsDir().resolve(fileName);
            Path temp = pluginsDir().resolve("." + fileName + ".part");
            Files.copy(jar, temp, StandardCopyOption.REPLACE_EXISTING);
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Path deploy(Path jar) {
        return deploy(jar, jar.getFileName().toString());
    }

    /** Deletes a jar from the plugin directory. */
    public void undeploy(String fileName) {
        try {
            Files.deleteIfExists(pluginsDir().resolve(fileName));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The plugin as the admin API shows it, if present. */
    public Optional<PluginStatus> plugin(String id) {
        return host().plugins().get(id).map(SwitchboardExtension::status);
    }

    private static PluginStatus status(PluginView view) {
        return new PluginStatus(view.id(), view.version(), PluginState.valueOf(view.state().name()), view.reason(), view.file(),
                view.generation(), view.routes().stream().map(route -> route.method() + " " + route.path()).toList(),
                view.filters().stream().map(filter -> filter.name() + "@" + filter.priority()).toList(), view.healthChecks(),
                view.rejected() == null ? null : new PluginStatus.Rejection(view.rejected().version(), view.rejected().reason()));
    }

    /** Waits (up to {@code timeout}) until plugin {@code id} satisfies {@code condition}. */
    public PluginStatus awaitPlugin(String id, Predicate<PluginStatus> condition, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Optional<PluginStatus> last = Optional.empty();
        while (System.nanoTime() < deadline) {
            last = plugin(id);
            if (last.isPresent() && condition.test(last.get())) {
                return last.get();
            }
            Thread.sleep(10);
        }
        throw new AssertionError("plugin '" + id + "' did not reach the expected condition within " + timeout.toMillis()
                + " ms; last seen: " + last.map(Object::toString).orElse("absent"));
    }

    /** Waits (up to {@code timeout}) until the jar {@code fileName} in the plugin directory satisfies {@code condition}. */
    public PluginStatus awaitFile(String fileName, Predicate<PluginStatus> condition, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Optional<PluginStatus> last = Optional.empty();
        while (System.nanoTime() < deadline) {
            last = host().plugins().list().stream().filter(v -> v.file().equals(fileName)).findFirst().map(SwitchboardExtension::status);
            if (last.isPresent() && condition.test(last.get())) {
                return last.get();
            }
            Thread.sleep(10);
        }
        throw new AssertionError("plugin file " + fileName + " did not reach the expected condition within " + timeout.toMillis()
                + " ms; last seen: " + last.map(Object::toString).orElse("absent"));
    }

    /** Waits until plugin {@code id} is in {@code state} (and, when given, at {@code version}). */
    public PluginStatus awaitState(String id, PluginState state, String version) throws InterruptedException {
        return awaitPlugin(id, v -> v.state() == state && (version == null || version.equals(v.version())), Duration.ofSeconds(10));
    }

    /** What a plugin command returned and printed. */
    public record CommandRun(int exit, String out, String err) {
    }

    /**
     * Runs a live plugin's command as {@code bin/switchboard <pluginId> <name> <args>} would: with
     * the plugin's class loader as context loader, printing to captured streams.
     *
     * @throws AssertionError when no live plugin {@code pluginId} has a command {@code name}
     */
    public CommandRun command(String pluginId, String name, String... args) throws Exception {
        PluginManager.LiveCommand command = host().plugins().commands().getOrDefault(pluginId, Map.of()).get(name);
        if (command == null) {
            throw new AssertionError("no live plugin '" + pluginId + "' with a command '" + name + "'");
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = ContextLoader.call(command.loader(), () -> command.command().run(List.of(args),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8)));
        return new CommandRun(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** Waits until no plugin with this id is listed. */
    public void awaitAbsent(String id) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            if (plugin(id).isEmpty()) {
                return;
            }
            Thread.sleep(10);
        }
        throw new AssertionError("plugin '" + id + "' is still listed: " + plugin(id).orElse(null));
    }
}
