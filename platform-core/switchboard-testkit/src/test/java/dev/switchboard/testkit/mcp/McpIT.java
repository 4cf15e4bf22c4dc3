package dev.switchboard.testkit.mcp;

import dev.switchboard.testkit.PluginState;
import dev.switchboard.testkit.PluginJarBuilder;
import dev.switchboard.testkit.SseClient;
import dev.switchboard.testkit.SwitchboardExtension;
import dev.switchboard.testkit.TestSkills;
import dev.switchboard.testkit.skills.SkillFolders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The MCP server at /mcp over real HTTP: tools from skills, structured output, errors, live tool
 * lists, the skills extension, cancellation that stops a Python skill, resumption with
 * Last-Event-ID, authentication and the DNS-rebinding guard.
 */
class McpIT {

    static final JsonMapper JSON = JsonMapper.builder().build();
    static final Duration WAIT = Duration.ofSeconds(30);
    static final SkillFolders SKILLS = new SkillFolders("mcp-it-");

    @RegisterExtension
    static SwitchboardExtension switchboard = SwitchboardExtension.builder()
            .principal("alice-token", "alice", "student")
            .principal("ivy-token", "ivy", "instructor")
            .skill(SKILLS.javaSkill("upper", "", """
                    String text = input.get("text").stringValue();
                    if (text.equals("crash")) {
                        throw new IllegalStateException("the dictionary is gone");
                    }
                    if (text.startsWith("slow")) {
                        context.progress(0.5, "half way");
                        context.log("info", "still working");
                        try {
                            Thread.sleep(1500);
                        } catch (InterruptedException e) {
                            throw new IllegalStateException(e);
                        }
                    }
                    return JsonNodeFactory.instance.objectNode().put("upper", text.toUpperCase());
                    """))
            .skill(SKILLS.javaSkill("grades", "  roles: [instructor]\n", """
                    return JsonNodeFactory.instance.objectNode().put("upper", "A");
                    """))
            .skill(TestSkills.spin(SKILLS.root()))
            .set("skills.python_contexts", "1")
            .build();

    @Test
    void skillsAreToolsWithSchemasAndCallsReturnStructuredContent() throws Exception {
        McpTestClient alice = McpTestClient.open(switchboard, "alice-token");
        JsonNode tools = alice.request("tools/list", Map.of()).path("result").path("tools");
        List<String> names = new ArrayList<>();
        tools.forEach(tool -> names.add(tool.path("name").asString()));
        assertThat(names).contains("upper", "spin").doesNotContain("grades");
        JsonNode upper = find(tools, "upper");
        assertThat(upper.path("title").asString()).isEqualTo("Upper");
        assertThat(upper.path("inputSchema").path("required").get(0).asString()).isEqualTo("text");
        assertThat(upper.path("outputSchema").path("properties").has("upper")).isTrue();

        JsonNode result = alice.request("tools/call", Map.of("name", "upper", "arguments", Map.of("text", "ada"))).path("result");
        assertThat(result.path("isError").asBoolean()).isFalse();
        assertThat(result.path("structuredContent").path("upper").asString()).isEqualTo("ADA");
        assertThat(JSON.readTree(result.path("content").get(0).path("text").asString()).path("upper").asString()).isEqualTo("ADA");

        // The skill's own failure and a bad input are tool errors the model can read.
        JsonNode crash = alice.request("tools/call", Map.of("name", "upper", "arguments", Map.of("text", "crash"))).path("result");
        assertThat(crash.path("isError").asBoolean()).isTrue();
        assertThat(crash.path("content").get(0).path("text").asString()).contains("the dictionary is gone");
        JsonNode invalid = alice.request("tools/call", Map.of("name", "upper", "arguments", Map.of("text", 42))).path("result");
        assertThat(invalid.path("isError").asBoolean()).isTrue();
        assertThat(invalid.path("content").get(0).path("text").asString()).contains("/text");

        // A tool the caller may not use does not exist for it; another principal sees and calls it.
        JsonNode hidden = alice.request("tools/call", Map.of("name", "grades", "arguments", Map.of("text", "x")));
        assertThat(hidden.path("error").path("code").asInt()).isEqualTo(-32602);
        McpTestClient ivy = McpTestClient.open(switchboard, "ivy-token");
        assertThat(ivy.request("tools/call", Map.of("name", "grades", "arguments", Map.of("text", "x")))
                .path("result").path("structuredContent").path("upper").asString()).isEqualTo("A");
    }

    @Test
    void progressAndLogLinesReachTheClientOnTheRequestStream() throws Exception {
        McpTestClient alice = McpTestClient.open(switchboard, "alice-token");
        alice.request("logging/setLevel", Map.of("level", "info"));
        try (SseClient stream = alice.post("tools/call", Map.of("name", "upper", "arguments", Map.of("text", "slow-progress"),
                "_meta", Map.of("progressToken", "p1")))) {
            List<JsonNode> messages = McpTestClient.untilResponse(stream, WAIT);
            assertThat(messages).anySatisfy(m -> {
                assertThat(m.path("method").asString()).isEqualTo("notifications/progress");
                assertThat(m.path("params").path("progressToken").asString()).isEqualTo("p1");
                assertThat(m.path("params").path("progress").asDouble()).isEqualTo(0.5);
            });
            assertThat(messages).anySatisfy(m -> {
                assertThat(m.path("method").asString()).isEqualTo("notifications/message");
                assertThat(m.path("params").path("data").asString()).isEqualTo("still working");
            });
            assertThat(messages.getLast().path("result").path("structuredContent").path("upper").asString()).isEqualTo("SLOW-PROGRESS");
        }
    }

    @Test
    void aResponseMissedWhileDisconnectedIsReplayedAfterLastEventId() throws Exception {
        McpTestClient alice = McpTestClient.open(switchboard, "alice-token");
        String primingId;
        try (SseClient stream = alice.post("tools/call", Map.of("name", "upper", "arguments", Map.of("text", "slow-resume")))) {
            SseClient.Event priming = stream.expect(WAIT);
            assertThat(priming.data()).isEmpty();
            assertThat(priming.id()).isNotBlank();
            primingId = priming.id();
        }
        // The connection dropped right after the priming event; the call goes on and its response is kept.
        try (SseClient resumed = alice.resume(primingId)) {
            List<JsonNode> messages = McpTestClient.untilResponse(resumed, WAIT);
            assertThat(messages.getLast().path("result").path("structuredContent").path("upper").asString()).isEqualTo("SLOW-RESUME");
            assertThat(resumed.awaitEnd(WAIT)).isTrue();
        }
        // An id the session never issued is refused.
        HttpResponse<String> unknown = switchboard.send(alice.base("GET").header("Accept", "text/event-stream")
                .header("Last-Event-ID", "nope.3").build());
        assertThat(unknown.statusCode()).isEqualTo(404);
    }

    @Test
    void cancellationStopsARunningPythonSkill() throws Exception {
        McpTestClient alice = McpTestClient.open(switchboard, "alice-token");
        try (SseClient stream = alice.post(7, "tools/call", Map.of("name", "spin", "arguments", Map.of("forever", true)))) {
            stream.expect(WAIT);
            // The spin skill has one Python context (skills.python_contexts = 1); wait until its run holds it.
            Thread.sleep(300);
            alice.notify("notifications/cancelled", Map.of("requestId", 7, "reason", "user stopped it"));
            // No response follows a cancelled request: the stream just ends.
            assertThat(stream.awaitEnd(WAIT)).isTrue();
            assertThat(McpTestClient.messages(stream)).noneMatch(m -> m.has("result") || m.has("error"));
        }
        // The only context is free again: the loop was interrupted, not left running for its 10 minute timeout.
        JsonNode next = alice.request("tools/call", Map.of("name", "spin", "arguments", Map.of("forever", false))).path("result");
        assertThat(next.path("structuredContent").path("n").asInt()).isZero();
    }

    @Test
    void editingASkillUpdatesTheToolListAndTellsListeningSessions() throws Exception {
        McpTestClient ivy = McpTestClient.open(switchboard, "ivy-token");
        try (SseClient listening = ivy.listen()) {
            listening.expect(WAIT);
            Path folder = SKILLS.javaSkill("shout", "", """
                    return JsonNodeFactory.instance.objectNode().put("upper", "!");
                    """);
            Files.move(folder, switchboard.home().resolve("skills").resolve("shout"));
            awaitListChange(ivy, listening, names -> names.contains("shout"));
            JsonNode resources = ivy.request("resources/list", Map.of()).path("result").path("resources");
            assertThat(resources.toString()).contains("skill://shout/SKILL.md");
        }
    }

    @Test
    void theSkillsExtensionListsAndGetsSkillsTheCallerMayUse() throws Exception {
        McpTestClient alice = McpTestClient.open(switchboard, "alice-token");
        assertThat(alice.initializeResult().path("capabilities").path("extensions").has("io.modelcontextprotocol/skills")).isTrue();
        JsonNode skills = alice.request("skills/list", Map.of()).path("result").path("skills");
        List<String> uris = new ArrayList<>();
        skills.forEach(skill -> uris.add(skill.path("uri").asString()));
        assertThat(uris).contains("skill://upper/SKILL.md").doesNotContain("skill://grades/SKILL.md");
        JsonNode upper = alice.request("skills/get", Map.of("uri", "skill://upper/SKILL.md")).path("result").path("skill");
        assertThat(upper.path("frontmatter").path("name").asString()).isEqualTo("upper");
        assertThat(upper.path("resources").get(0).path("digest").asString()).startsWith("sha256:");
        JsonNode text = alice.request("resources/read", Map.of("uri", "skill://upper/SKILL.md")).path("result").path("contents").get(0);
        assertThat(text.path("mimeType").asString()).isEqualTo("text/markdown");
        assertThat(text.path("text").asString()).startsWith("---\nname: upper");
        assertThat(alice.request("skills/get", Map.of("uri", "skill://grades/SKILL.md")).path("error").path("code").asInt()).isEqualTo(-32602);
        // resources/list shows the SKILL.md of the skills the caller may use, and no other.
        String aliceResources = alice.request("resources/list", Map.of()).at("/result/resources").toString();
        assertThat(aliceResources).contains("skill://upper/SKILL.md").doesNotContain("skill://grades/SKILL.md");
        McpTestClient ivy = McpTestClient.open(switchboard, "ivy-token");
        assertThat(ivy.request("resources/list", Map.of()).at("/result/resources").toString()).contains("skill://grades/SKILL.md");
    }

    @Test
    void requestsWithoutCredentialsWrongHostsOrVersionsAreRefusedWithJsonRpcErrors() throws Exception {
        HttpResponse<String> anonymous = switchboard.send(McpTestClient.initializeRequest(switchboard, null).build());
        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(anonymous.headers().firstValue("WWW-Authenticate").orElse(""))
                .startsWith("Bearer resource_metadata=\"").contains("/.well-known/oauth-protected-resource/mcp");
        assertThat(JSON.readTree(anonymous.body()).path("error").path("code").isNumber()).isTrue();
        HttpResponse<String> metadata = switchboard.get("/.well-known/oauth-protected-resource/mcp");
        assertThat(JSON.readTree(metadata.body()).path("resource").asString()).endsWith("/mcp");

        HttpResponse<String> rebound = switchboard.send(McpTestClient.initializeRequest(switchboard, "alice-token")
                .header("Origin", "http://evil.example").build());
        assertThat(rebound.statusCode()).isEqualTo(403);
        assertThat(JSON.readTree(rebound.body()).path("jsonrpc").asString()).isEqualTo("2.0");

        McpTestClient alice = McpTestClient.open(switchboard, "alice-token");
        HttpResponse<String> version = switchboard.send(alice.base("POST").setHeader("MCP-Protocol-Version", "1999-01-01")
                .POST(HttpRequest.BodyPublishers.ofString("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}")).build());
        assertThat(version.statusCode()).isEqualTo(400);
        HttpResponse<String> garbage = switchboard.send(alice.base("POST")
                .POST(HttpRequest.BodyPublishers.ofString("{\"jsonrpc\":")).build());
        assertThat(garbage.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(garbage.body()).path("error").path("code").asInt()).isEqualTo(-32700);
        assertThat(garbage.body()).doesNotContain("Exception").doesNotContain("at io.");

        // Another principal cannot use alice's session.
        HttpResponse<String> stolen = switchboard.send(switchboard.as("ivy-token", "/mcp").header("Mcp-Session-Id", alice.sessionId())
                .header("Content-Type", "application/json").header("Accept", "application/json, text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}")).build());
        assertThat(stolen.statusCode()).isEqualTo(404);
    }

    @Test
    void malformedMessagesGetJsonRpcErrorsNamingTheProblem() throws Exception {
        McpTestClient alice = McpTestClient.open(switchboard, "alice-token");
        // A request read but refused is answered with its id; params must be an object.
        JsonNode stringParams = answer(alice, "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"tools/call\",\"params\":\"hello\"}", 200);
        assertThat(stringParams.path("id").asInt()).isEqualTo(5);
        assertThat(stringParams.at("/error/code").asInt()).isEqualTo(-32602);
        assertThat(stringParams.at("/error/message").asString()).contains("params of tools/call must be an object, not a string");
        JsonNode stringArguments = answer(alice,
                "{\"jsonrpc\":\"2.0\",\"id\":6,\"method\":\"tools/call\",\"params\":{\"name\":\"upper\",\"arguments\":\"x\"}}", 200);
        assertThat(stringArguments.at("/error/code").asInt()).isEqualTo(-32602);
        assertThat(stringArguments.at("/error/message").asString()).contains("\"arguments\" of tools/call must be an object");

        // An unknown tool is named, once, in the message.
        JsonNode unknown = alice.request("tools/call", Map.of("name", "nope", "arguments", Map.of()));
        assertThat(unknown.at("/error/code").asInt()).isEqualTo(-32602);
        assertThat(unknown.at("/error/message").asString()).startsWith("Unknown tool: 'nope'").doesNotContain("invalid_tool_name");
        assertThat(unknown.path("error").has("data")).isFalse();

        // What is not JSON-RPC 2.0 is an HTTP 400 with the error.
        JsonNode oldVersion = answer(alice, "{\"jsonrpc\":\"1.0\",\"id\":7,\"method\":\"ping\"}", 400);
        assertThat(oldVersion.at("/error/code").asInt()).isEqualTo(-32600);
        assertThat(oldVersion.at("/error/message").asString()).contains("\"jsonrpc\" must be \"2.0\"");
        JsonNode objectId = answer(alice, "{\"jsonrpc\":\"2.0\",\"id\":{\"a\":1},\"method\":\"ping\"}", 400);
        assertThat(objectId.at("/error/code").asInt()).isEqualTo(-32600);
        JsonNode twice = answer(alice, "{\"jsonrpc\":\"2.0\",\"id\":8,\"method\":\"ping\",\"method\":\"tools/list\"}", 400);
        assertThat(twice.at("/error/code").asInt()).isEqualTo(-32700);
        assertThat(twice.at("/error/message").asString()).contains("Duplicate").contains("\"method\"");

        // The session is still fine.
        assertThat(alice.request("ping", Map.of()).has("result")).isTrue();
    }

    private static JsonNode answer(McpTestClient client, String body, int status) throws Exception {
        HttpResponse<String> response = switchboard.send(client.base("POST").POST(HttpRequest.BodyPublishers.ofString(body)).build());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
        return JSON.readTree(response.body());
    }

    /** A plugin contributing the MCP tool {@code version}, which answers with the plugin's version. */
    static Path versionTool(Path dir, String version) {
        return PluginJarBuilder.plugin("versioned", version).requires(">=0.1.0").fileName("versioned-" + version + ".jar").source("""
                package fixtures.versioned;

                import dev.switchboard.api.*;
                import org.pf4j.Extension;
                import tools.jackson.databind.JsonNode;
                import tools.jackson.databind.json.JsonMapper;

                @Extension
                public class VersionedPlugin implements SwitchboardPlugin {
                    static final JsonMapper JSON = JsonMapper.builder().build();

                    @Override
                    public void start(Platform platform) {
                        platform.mcpTool(new McpTool() {
                            public JsonNode definition() {
                                return JSON.readTree("{\\"name\\":\\"version\\",\\"description\\":\\"The plugin's version\\","
                                        + "\\"inputSchema\\":{\\"type\\":\\"object\\"}}");
                            }

                            public JsonNode call(JsonNode arguments, McpExchange exchange) {
                                return JSON.readTree("{\\"content\\":[{\\"type\\":\\"text\\",\\"text\\":\\"%s\\"}]}");
                            }
                        });
                    }
                }
                """.formatted(version)).build(dir);
    }

    @Test
    void aPluginsMcpToolIsSwappedUnderAnOpenSession(@TempDir Path jars) throws Exception {
        McpTestClient alice = McpTestClient.open(switchboard, "alice-token");
        try (SseClient listening = alice.listen()) {
            listening.expect(WAIT);
            switchboard.deploy(versionTool(jars.resolve("v1"), "1.0.0"), "versioned.jar");
            switchboard.awaitState("versioned", PluginState.STARTED, "1.0.0");
            awaitListChange(alice, listening, tools -> tools.contains("version"));
            assertThat(alice.request("tools/call", Map.of("name", "version", "arguments", Map.of()))
                    .path("result").path("content").get(0).path("text").asString()).isEqualTo("1.0.0");

            switchboard.deploy(versionTool(jars.resolve("v2"), "2.0.0"), "versioned.jar");
            switchboard.awaitState("versioned", PluginState.STARTED, "2.0.0");
            awaitListChange(alice, listening, tools -> tools.contains("version") && versionAnswer(alice).equals("2.0.0"));
            // The same session, across the swap: the new version answers.
            assertThat(alice.request("tools/call", Map.of("name", "version", "arguments", Map.of()))
                    .path("result").path("content").get(0).path("text").asString()).isEqualTo("2.0.0");

            switchboard.undeploy("versioned.jar");
            switchboard.awaitAbsent("versioned");
            awaitListChange(alice, listening, tools -> !tools.contains("version"));
            assertThat(alice.request("tools/call", Map.of("name", "version", "arguments", Map.of())).path("error").path("code").asInt())
                    .isEqualTo(-32602);
        }
    }

    // ----- the official TypeScript SDK client and the MCP Inspector CLI, on Node 22 -----

    @Test
    void theTypeScriptSdkClientListsCallsAndFollowsProgress() throws Exception {
        try (NodeClients client = NodeClients.typescript("basic", switchboard.uri("/mcp").toString(), "alice-token")) {
            JsonNode tools = client.event("tools", WAIT);
            assertThat(tools.path("names").toString()).contains("\"upper\"").doesNotContain("\"grades\"");
            assertThat(tools.at("/upper/outputSchema/properties").has("upper")).isTrue();
            assertThat(client.event("call", WAIT).at("/result/structuredContent/upper").asString()).isEqualTo("ADA");
            JsonNode progress = client.event("progress", WAIT);
            assertThat(progress.at("/progress/0/progress").asDouble()).isEqualTo(0.5);
            assertThat(progress.at("/result/structuredContent/upper").asString()).isEqualTo("SLOW-TS");
            JsonNode failed = client.event("error-result", WAIT);
            assertThat(failed.at("/result/isError").asBoolean()).isTrue();
            assertThat(client.exitCode(WAIT)).isZero();
        }
    }

    @Test
    void theTypeScriptSdkClientHearsOfAnEditedSkill() throws Exception {
        try (NodeClients client = NodeClients.typescript("list-changed", switchboard.uri("/mcp").toString(), "ivy-token", "whisper")) {
            client.event("ready", WAIT);
            Path folder = SKILLS.javaSkill("whisper", "", """
                    return JsonNodeFactory.instance.objectNode().put("upper", "...");
                    """);
            Files.move(folder, switchboard.home().resolve("skills").resolve("whisper"));
            client.send("go");
            assertThat(client.event("list_changed", WAIT).path("names").toString()).contains("\"whisper\"");
            assertThat(client.exitCode(WAIT)).isZero();
        }
    }

    @Test
    void theTypeScriptSdkClientsAbortStopsAPythonLoop() throws Exception {
        try (NodeClients client = NodeClients.typescript("cancel", switchboard.uri("/mcp").toString(), "alice-token")) {
            assertThat(client.event("cancelled", WAIT).path("outcome").asString()).startsWith("rejected");
            assertThat(client.event("after", WAIT).at("/result/structuredContent/n").asInt()).isZero();
            assertThat(client.exitCode(WAIT)).isZero();
        }
    }

    @Test
    void theTypeScriptSdkClientResumesAStreamTheServerClosed(@TempDir Path jars) throws Exception {
        switchboard.deploy(PluginJarBuilder.plugin("reconnecting", "1.0.0").requires(">=0.1.0").source("""
                package fixtures.reconnecting;

                import dev.switchboard.api.*;
                import org.pf4j.Extension;
                import tools.jackson.databind.JsonNode;
                import tools.jackson.databind.json.JsonMapper;

                @Extension
                public class ReconnectingPlugin implements SwitchboardPlugin {
                    static final JsonMapper JSON = JsonMapper.builder().build();

                    @Override
                    public void start(Platform platform) {
                        platform.mcpTool(new McpTool() {
                            public JsonNode definition() {
                                return JSON.readTree("{\\"name\\":\\"reconnect\\",\\"description\\":\\"Closes its stream, then answers\\","
                                        + "\\"inputSchema\\":{\\"type\\":\\"object\\"}}");
                            }

                            public JsonNode call(JsonNode arguments, McpExchange exchange) throws Exception {
                                exchange.closeStream();
                                Thread.sleep(300);
                                return JSON.readTree("{\\"content\\":[{\\"type\\":\\"text\\",\\"text\\":\\"after the gap\\"}]}");
                            }
                        });
                    }
                }
                """).build(jars), "reconnecting.jar");
        switchboard.awaitState("reconnecting", PluginState.STARTED, "1.0.0");
        try (NodeClients client = NodeClients.typescript("resume", switchboard.uri("/mcp").toString(), "alice-token")) {
            JsonNode resumed = client.event("resumed", WAIT);
            assertThat(resumed.at("/result/content/0/text").asString()).isEqualTo("after the gap");
            assertThat(resumed.path("tokens").size()).as("the client saw event ids to resume from").isPositive();
            assertThat(client.exitCode(WAIT)).isZero();
        } finally {
            switchboard.undeploy("reconnecting.jar");
            switchboard.awaitAbsent("reconnecting");
        }
    }

    @Test
    void theTypeScriptSdkClientWithoutATokenIsRefused() throws Exception {
        try (NodeClients client = NodeClients.typescript("unauthorized", switchboard.uri("/mcp").toString(), null)) {
            JsonNode refused = client.event("refused", WAIT);
            assertThat(refused.path("code").asInt()).isEqualTo(401);
            assertThat(refused.path("message").asString()).contains("Unauthorized");
            assertThat(client.exitCode(WAIT)).isZero();
        }
    }

    @Test
    void theInspectorCliListsAndCallsTools() throws Exception {
        String url = switchboard.uri("/mcp").toString();
        try (NodeClients list = NodeClients.inspector(List.of(url, "--transport", "http", "--header", "Authorization: Bearer alice-token",
                "--method", "tools/list"))) {
            String output = list.finish(WAIT);
            assertThat(output).contains("\"upper\"").contains("\"spin\"").doesNotContain("\"grades\"");
        }
        try (NodeClients call = NodeClients.inspector(List.of(url, "--transport", "http", "--header", "Authorization: Bearer alice-token",
                "--method", "tools/call", "--tool-name", "upper", "--tool-arg", "text=inspector"))) {
            assertThat(call.finish(WAIT)).contains("INSPECTOR");
        }
        try (NodeClients refused = NodeClients.inspector(List.of(url, "--transport", "http", "--method", "tools/list"))) {
            // The Inspector's exit code 3: authorization required.
            assertThat(refused.exitCode(WAIT)).as(refused.stderr()).isEqualTo(3);
            assertThat(refused.stderr()).contains("auth_required");
        }
    }

    /**
     * Waits for {@code notifications/tools/list_changed} on {@code listening} until the tool list
     * satisfies {@code condition} (a notification may come from another change, such as a skill
     * another test added).
     */
    private static void awaitListChange(McpTestClient client, SseClient listening, java.util.function.Predicate<List<String>> condition)
            throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            assertThat(McpTestClient.awaitMethod(listening, "notifications/tools/list_changed", WAIT)).isTrue();
            List<String> names = new ArrayList<>();
            client.request("tools/list", Map.of()).at("/result/tools").forEach(tool -> names.add(tool.path("name").asString()));
            if (condition.test(names)) {
                return;
            }
        }
        throw new AssertionError("the tool list never reached the expected state");
    }

    private static String versionAnswer(McpTestClient client) {
        try {
            return client.request("tools/call", Map.of("name", "version", "arguments", Map.of())).at("/result/content/0/text").asString("");
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode find(JsonNode tools, String name) {
        for (JsonNode tool : tools) {
            if (tool.path("name").asString().equals(name)) {
                return tool;
            }
        }
        return null;
    }
}
