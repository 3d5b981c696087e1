package io.dlock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The limits on names, leases and waits, each refused with a message naming the problem. */
class LimitsTest {

    @Test
    void namesUpTo256CharactersWithoutControlCharactersPass() {
        assertThat(Limits.checkName("orders:42")).isEqualTo("orders:42");
        assertThat(Limits.checkName("é".repeat(256))).hasSize(256);
        assertThatThrownBy(() -> Limits.checkName(null))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("name");
        assertThatThrownBy(() -> Limits.checkName("")).hasMessage("lock name must not be empty");
        assertThatThrownBy(() -> Limits.checkName("x".repeat(257)))
                .hasMessage("lock name is 257 characters long; the limit is 256");
        assertThatThrownBy(() -> Limits.checkName("a\tb"))
                .hasMessage("lock name contains control character U+0009 at index 1");
    }

    @Test
    void leasesFromTenMillisecondsToThirtyDaysPass() {
        assertThat(Limits.checkLease(Duration.ofMillis(10))).isEqualTo(Duration.ofMillis(10));
        assertThat(Limits.checkLease(Duration.ofDays(30))).isEqualTo(Duration.ofDays(30));
        assertThatThrownBy(() -> Limits.checkLease(Duration.ofMillis(9)))
                .hasMessage("lease must be at least 10ms, was 9ms");
        assertThatThrownBy(() -> Limits.checkLease(Duration.ofMillis(-5)))
                .hasMessage("lease must be at least 10ms, was PT-0.005S");
        assertThatThrownBy(() -> Limits.checkLease(Duration.ofDays(31)))
                .hasMessage("lease must be at most 720h, was 744h");
    }

    @Test
    void waitsFromZeroToThirtyDaysPass() {
        assertThat(Limits.checkWait(Duration.ZERO)).isZero();
        assertThat(Limits.checkWait(Duration.ofDays(30))).isEqualTo(Duration.ofDays(30));
        assertThatThrownBy(() -> Limits.checkWait(Duration.ofSeconds(-1)))
                .hasMessage("wait must not be negative, was PT-1S");
        assertThatThrownBy(() -> Limits.checkWait(Duration.ofDays(31)))
                .hasMessageStartingWith("wait must be at most 720h (use acquire() or lock() to wait without limit)");
    }
}
