package dev.switchboard.runtime.server;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class AcceptEncodingTest {

    private static final List<String> OFFERED = List.of("br", "zstd", "gzip");

    private static String negotiate(String... header) {
        return AcceptEncoding.negotiate(List.of(header), OFFERED);
    }

    @Test
    void amongEqualRatingsTheServersOrderWins() {
        assertThat(negotiate("gzip, deflate, br, zstd")).isEqualTo("br");
        assertThat(negotiate("gzip, zstd")).isEqualTo("zstd");
        assertThat(negotiate("gzip", "zstd")).as("over several header lines").isEqualTo("zstd");
    }

    @Test
    void theClientsRatingsComeFirst() {
        assertThat(negotiate("gzip;q=1.0, br;q=0.5")).isEqualTo("gzip");
        assertThat(negotiate("br;q=0.2, zstd;q=0.9, gzip;q=0.5")).isEqualTo("zstd");
        assertThat(negotiate("BR;Q=0.9, GZIP;Q=0.1")).as("case does not matter").isEqualTo("br");
    }

    @Test
    void zeroRefusesAndTheWildcardStandsForTheOthers() {
        assertThat(negotiate("br;q=0, gzip")).isEqualTo("gzip");
        assertThat(negotiate("br;q=0, zstd;q=0, gzip;q=0")).isNull();
        assertThat(negotiate("*")).isEqualTo("br");
        assertThat(negotiate("br;q=0, *")).isEqualTo("zstd");
        assertThat(negotiate("*;q=0")).isNull();
        assertThat(negotiate("identity")).isNull();
        assertThat(negotiate("deflate, compress")).isNull();
    }

    @Test
    void whatDoesNotParseNeverThrows() {
        for (String header : new String[] {"br;q=abc, gzip;q=2", "gzip;q=-1", ";;;,,q=", "br;q=1.5;q=0.1", "\u00ff\u00fe", "", ","}) {
            String chosen = AcceptEncoding.negotiate(List.of(header), OFFERED);
            assertThat(chosen == null || OFFERED.contains(chosen)).as(header).isTrue();
        }
        assertThat(AcceptEncoding.negotiate(List.of(), OFFERED)).isNull();
    }
}
