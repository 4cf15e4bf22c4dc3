package dev.switchboard.runtime.http;

import org.glassfish.jersey.uri.UriTemplate;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class RouteTemplatesTest {

    /** Jersey lists the matched templates innermost first. */
    private static String of(String... innermostFirst) {
        List<UriTemplate> templates = Arrays.stream(innermostFirst).map(UriTemplate::new).toList();
        return RouteTemplates.of(templates);
    }

    @Test
    void joinsClassAndMethodTemplatesWithOneSlash() {
        assertThat(of("/calculate/{studentId}", "/api/mastery")).isEqualTo("/api/mastery/calculate/{studentId}");
        assertThat(of("calculate/{studentId}/", "api/mastery/")).isEqualTo("/api/mastery/calculate/{studentId}");
        assertThat(of("/", "/api/things")).isEqualTo("/api/things");
    }

    @Test
    void aRootMatchIsTheRoot() {
        assertThat(of("/")).isEqualTo("/");
        assertThat(of()).isEqualTo("/");
    }

    @Test
    void leavesOutParametersRegularExpressionsNestedBracesIncluded() {
        assertThat(of("/items/{id: [0-9]+}", "/api")).isEqualTo("/api/items/{id}");
        assertThat(of("/{code : [A-Z]{3}}/{n:\\d{1,4}}", "/api/codes")).isEqualTo("/api/codes/{code}/{n}");
    }

    @Test
    void keepsSubResourceLocatorsInOrder() {
        assertThat(of("/{version}", "/plans/{plan}", "/api")).isEqualTo("/api/plans/{plan}/{version}");
    }
}
