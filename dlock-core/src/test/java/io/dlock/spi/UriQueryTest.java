package io.dlock.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** One grammar of URI options for every backend: names, durations, flags, choices, encoding. */
class UriQueryTest {

    private enum Mode {
        FAIR,
        SIMPLE
    }

    @Test
    void durationsAreWrittenAsPeopleWriteThem() {
        assertThat(UriQuery.parseDuration("250ms", "x")).isEqualTo(Duration.ofMillis(250));
        assertThat(UriQuery.parseDuration("1.5s", "x")).isEqualTo(Duration.ofMillis(1_500));
        assertThat(UriQuery.parseDuration("2m", "x")).isEqualTo(Duration.ofMinutes(2));
        assertThat(UriQuery.parseDuration("1h", "x")).isEqualTo(Duration.ofHours(1));
        assertThat(UriQuery.parseDuration("PT30S", "x")).isEqualTo(Duration.ofSeconds(30));
        assertThatThrownBy(() -> UriQuery.parseDuration("soon", "URI parameter 'wait'"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'wait'")
                .hasMessageContaining("250ms");
    }

    @Test
    void typedValuesAreReadAndBadOnesNamed() {
        UriQuery query = UriQuery.of("zk://h:1/r?sessionTimeout=1.5s&mode=Simple&tls=true");
        assertThat(query.duration("sessionTimeout", Duration.ZERO, Duration.ofMillis(100), Duration.ofMinutes(10)))
                .isEqualTo(Duration.ofMillis(1_500));
        assertThat(query.choice("mode", Mode.class, Mode.FAIR)).isEqualTo(Mode.SIMPLE);
        assertThat(query.flag("tls", false)).isTrue();
        assertThat(query.choice("absent", Mode.class, Mode.FAIR)).isEqualTo(Mode.FAIR);
        assertThatThrownBy(() -> UriQuery.of("x://h?mode=odd").choice("mode", Mode.class, Mode.FAIR))
                .hasMessageContaining("'mode'")
                .hasMessageContaining("fair, simple")
                .hasMessageContaining("'odd'");
        assertThatThrownBy(() -> UriQuery.of("x://h?t=50ms")
                        .duration("t", Duration.ZERO, Duration.ofMillis(100), Duration.ofMinutes(10)))
                .hasMessageContaining("between 100ms and 10m")
                .hasMessageContaining("'50ms'");
    }

    @Test
    void unknownOrRepeatedParametersAreRefusedAndAPlusStaysAPlus() {
        assertThatThrownBy(() -> UriQuery.of("x://h?nodeTimeOut=1s").allowOnly(Set.of("nodeTimeout")))
                .hasMessageContaining("'nodeTimeOut'")
                .hasMessageContaining("known: nodeTimeout");
        assertThatThrownBy(() -> UriQuery.of("x://h?a=1&a=2")).hasMessageContaining("twice");
        assertThat(UriQuery.of("x://h?trustStorePassword=a+b%21").text("trustStorePassword"))
                .contains("a+b!");
        assertThatThrownBy(() -> UriQuery.of("x://h?trustStorePassword=s3cret%zz"))
                .hasMessageContaining("percent-encoding")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("s3cret"));
    }
}
