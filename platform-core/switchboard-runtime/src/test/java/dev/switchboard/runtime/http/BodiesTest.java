package dev.switchboard.runtime.http;

import jakarta.ws.rs.WebApplicationException;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BodiesTest {

    private static InputStream body(int size) {
        return new ByteArrayInputStream(new byte[size]);
    }

    @Test
    void readsExactlyTheDeclaredBody() throws Exception {
        byte[] bytes = Bodies.readLimited(new ByteArrayInputStream("{\"a\":1}".getBytes(StandardCharsets.UTF_8)), 7, 10, "x.limit");
        assertThat(new String(bytes, StandardCharsets.UTF_8)).isEqualTo("{\"a\":1}");
    }

    @Test
    void aDeclaredOversizedBodyIsDrainedBeforeThe413() {
        InputStream body = body(5000);
        assertThatThrownBy(() -> Bodies.readLimited(body, 5000, 1000, "x.limit"))
                .isInstanceOfSatisfying(WebApplicationException.class, e -> assertThat(e.getResponse().getStatus()).isEqualTo(413))
                .hasMessageContaining("x.limit");
        assertThat(body).isEmpty();
    }

    @Test
    void aBodyPastTheDrainLimitIsNotRead() throws Exception {
        InputStream body = body(5000);
        assertThatThrownBy(() -> Bodies.readLimited(body, Bodies.DRAIN_LIMIT + 1, 1000, "x.limit"))
                .isInstanceOfSatisfying(WebApplicationException.class, e -> assertThat(e.getResponse().getStatus()).isEqualTo(413));
        assertThat(body.available()).isEqualTo(5000);
    }

    @Test
    void anUndeclaredBodyIsCutOffPastTheLimit() {
        assertThatThrownBy(() -> Bodies.readLimited(body(5000), -1, 1000, "x.limit"))
                .isInstanceOfSatisfying(WebApplicationException.class, e -> assertThat(e.getResponse().getStatus()).isEqualTo(413));
    }

    @Test
    void aBodyLongerThanDeclaredIs400() {
        assertThatThrownBy(() -> Bodies.readLimited(body(20), 10, 1000, "x.limit"))
                .isInstanceOfSatisfying(WebApplicationException.class, e -> assertThat(e.getResponse().getStatus()).isEqualTo(400));
    }
}
