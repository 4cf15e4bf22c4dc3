package dev.switchboard.testkit;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.switchboard.testkit.skills.SkillFolders;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Input a client can get wrong, and what it gets back: a 4xx problem+json whose detail says what
 * is wrong (and does not echo a 10 KB value), never a 500, never an empty body; and a log that a
 * client cannot fill with stack traces.
 */
class MalformedInputIT {

    private static final JsonMapper JSON = JsonMapper.shared();
    private static final SkillFolders SKILLS = new SkillFolders("malformed-it-");

    @RegisterExtension
    static SwitchboardExtension switchboard = SwitchboardExtension.builder()
            .set("events.streams.max_per_principal", "2")
            .skill(SKILLS.folder("positive", """
                    ---
                    name: positive
                    description: Refuses negative numbers, as a skill whose schema cannot say everything does.
                    switchboard:
                      runtime: python
                      entry: positive.py:run
                      cache: {enabled: true}
                      input_schema: {type: object, required: [n], properties: {n: {type: integer}}}
                      output_schema: {type: object}
                    ---
                    """, "positive.py", """
                    def run(input):
                        if input["n"] < 0:
                            raise ValueError("n: a number of at least 0, got %d" % input["n"])
                        return {"n": input["n"]}
                    """))
            .build();

    private final ListAppender<ILoggingEvent> log = new ListAppender<>();

    @BeforeEach
    void captureTheLog() {
        log.start();
        root().addAppender(log);
    }

    @AfterEach
    void releaseTheLog() {
        root().detachAppender(log);
    }

    private static Logger root() {
        return (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    }

    @Test
    void aQueryThatDoesNotDecodeIs400NamingTheParameter() throws Exception {
        for (String query : List.of("topics=%zz", "access_token=%zz", "topics=%c3%28", "topics=%")) {
            String parameter = query.substring(0, query.indexOf('='));
            assertThat(detail(raw("GET /api/events/stream?" + query + " HTTP/1.1"))).as(query)
                    .startsWith("The query parameter '" + parameter + "' is not valid");
        }
        assertThat(detail(raw("GET /api/events/stream?topics=%zz HTTP/1.1"))).contains("'%zz' is not a percent-encoded byte");
        assertThat(detail(raw("GET /api/events/stream?topics=%c3%28 HTTP/1.1"))).contains("not valid UTF-8");
        assertThat(detail(raw("GET /api/skills?%zz=1 HTTP/1.1"))).startsWith("A query parameter name ('%zz') is not valid");
        assertThat(errors()).isEmpty();
    }

    @Test
    void aPathThatDoesNotDecodeSaysWhatIsWrong() throws Exception {
        assertThat(detail(raw("GET /api/x/%00 HTTP/1.1"))).contains("control character such as NUL (%00)");
        assertThat(detail(raw("GET /api/x/%zz HTTP/1.1"))).contains("malformed percent-encoding").contains("%25");
        assertThat(detail(raw("GET /api/x/%c3%28 HTTP/1.1"))).contains("not valid UTF-8");
        assertThat(detail(raw("GET /api/a%2fb HTTP/1.1"))).contains("encoded '/' (%2F)");
        assertThat(detail(raw("GET /api/%2e%2e/admin HTTP/1.1"))).contains("encoded '.' or '..' segment");
    }

    @Test
    void everyMethodGetsAProblemBody() throws Exception {
        for (String method : List.of("GET", "POST", "DELETE", "PUT", "PATCH", "OPTIONS")) {
            HttpResponse<String> response = switchboard.send(HttpRequest.newBuilder(switchboard.uri("/admin/plugins/%2e%2e%2f..."))
                    .header("Authorization", "Bearer " + switchboard.adminToken())
                    .method(method, HttpRequest.BodyPublishers.noBody()).build());
            assertProblem(response, 400, "encoded '/' (%2F)");
        }
    }

    @Test
    void aLongValueIsNotEchoedWhole() throws Exception {
        String tenKilobytes = "x".repeat(10_000);
        HttpResponse<String> response = switchboard.send(HttpRequest.newBuilder(switchboard.uri("/api/events/stream"))
                .header("Last-Event-ID", tenKilobytes).build());
        assertProblem(response, 400, "Last-Event-ID 'xxxx");
        assertThat(detail(response)).contains("… (10000 characters)");
        assertThat(response.body().length()).isLessThan(600);
    }

    @Test
    void aPrincipalOverItsStreamLimitIsToldWhenToRetry() throws Exception {
        List<SseClient> open = new ArrayList<>();
        try {
            for (int i = 0; i < 2; i++) {
                open.add(switchboard.stream(null, "/api/events/stream"));
            }
            HttpResponse<String> refused = switchboard.get("/api/events/stream");
            assertProblem(refused, 429, "max_per_principal");
            // A slot held by a client that is gone frees at the next heartbeat (events.streams.heartbeat, 15s by default).
            assertThat(refused.headers().firstValue("Retry-After")).hasValue("15");
        } finally {
            open.forEach(SseClient::close);
        }
    }

    @Test
    void aKeyTwiceInOneObjectIsRefused() throws Exception {
        HttpResponse<String> skill = post("/api/skills/positive/invoke", "{\"n\": 1, \"n\": -1}");
        assertProblem(skill, 400, "Duplicate");
        assertThat(detail(skill)).contains("\"n\"");
        assertProblem(post("/api/events/student.progress", "{\"type\": \"a\", \"type\": \"b\", \"data\": 1}"), 400, "Duplicate");
        assertProblem(post("/api/jobs", "{\"skill\": \"positive\", \"input\": {\"n\": 1}, \"input\": {\"n\": 2}}"), 400, "Duplicate");
        // A key once per object is fine, at any depth.
        assertThat(post("/api/skills/positive/invoke", "{\"n\": 1}").statusCode()).isEqualTo(200);
    }

    @Test
    void aSkillRefusingTheInputLogsNoStackTrace() throws Exception {
        awaitSkill("positive");
        for (int i = 0; i < 5; i++) {
            HttpResponse<String> refused = post("/api/skills/positive/invoke", "{\"n\": " + (-1 - i) + "}");
            assertProblem(refused, 400, "n: a number of at least 0, got " + (-1 - i));
        }
        List<ILoggingEvent> loud = log.list.stream().filter(e -> e.getLevel().isGreaterOrEqual(Level.INFO)).toList();
        assertThat(loud).as("what the five refusals logged at INFO or above").isEmpty();
        assertThat(log.list).allSatisfy(e -> assertThat(e.getThrowableProxy()).as(e.getFormattedMessage()).isNull());
    }

    private void awaitSkill(String name) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (switchboard.get("/api/skills/" + name).statusCode() == 404 && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
    }

    private static HttpResponse<String> post(String path, String json) throws Exception {
        return switchboard.send(HttpRequest.newBuilder(switchboard.uri(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build());
    }

    private List<String> errors() {
        return log.list.stream().filter(e -> e.getLevel().isGreaterOrEqual(Level.WARN)).map(ILoggingEvent::getFormattedMessage).toList();
    }

    private static void assertProblem(HttpResponse<String> response, int status, String detail) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(detail(response)).contains(detail);
    }

    private static String detail(HttpResponse<String> response) {
        return JSON.readTree(response.body()).path("detail").asString();
    }

    private static String detail(String rawResponse) {
        assertThat(rawResponse).startsWith("HTTP/1.1 400").contains("Content-Type: application/problem+json");
        return JSON.readTree(rawResponse.substring(rawResponse.indexOf("\r\n\r\n") + 4)).path("detail").asString();
    }

    /** Sends a request line as it is: the HTTP client would encode what it must not. */
    private static String raw(String requestLine) throws Exception {
        return RawHttp.send(switchboard, requestLine + "\r\nHost: localhost\r\nConnection: close\r\n\r\n");
    }
}
