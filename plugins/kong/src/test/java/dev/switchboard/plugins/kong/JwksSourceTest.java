package dev.switchboard.plugins.kong;

import dev.switchboard.plugins.kong.jwt.JwksSource;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;

/** Key rotation: an unknown kid fetches the set again, but at most every 30 s; a failed fetch keeps the last good set. */
class JwksSourceTest {

    /** A clock the test moves. */
    private static final class TestClock extends Clock {
        Instant now = Instant.parse("2026-11-29T10:00:00Z");

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @Test
    void rotatedKeysAreFetchedOnDemandAndAFailedFetchKeepsTheLastSet() throws Exception {
        TestClock clock = new TestClock();
        try (JwksStandIn idp = new JwksStandIn()) {
            idp.add("k1", "ES256", Tokens.ec256().getPublic());
            JwksSource source = new JwksSource(URI.create(idp.url()), Duration.ofHours(1), Duration.ofSeconds(2), clock,
                    LoggerFactory.getLogger(getClass()));
            source.start();
            try {
                assertThat(idp.fetches()).isEqualTo(1);
                assertThat(source.key("k1")).isPresent();
                assertThat(source.key(null)).as("the only key, for a token without kid").isPresent();

                idp.add("k2", "RS256", Tokens.rsa().getPublic());
                assertThat(source.key("k2")).as("not fetched again within 30 s").isEmpty();
                assertThat(idp.fetches()).isEqualTo(1);
                clock.now = clock.now.plusSeconds(31);
                assertThat(source.key("k2")).isPresent();
                assertThat(idp.fetches()).isEqualTo(2);
                assertThat(source.key(null)).as("two keys: a token must name one").isEmpty();

                idp.failing(true);
                clock.now = clock.now.plusSeconds(31);
                assertThat(source.key("k3")).isEmpty();
                assertThat(source.key("k1")).as("the last good set stays").isPresent();
                assertThat(source.status()).containsEntry("last_error", "HTTP 503").containsEntry("keys", 2);
            } finally {
                source.close();
            }
        }
    }
}
