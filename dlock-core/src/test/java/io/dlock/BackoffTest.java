package io.dlock;

import static org.assertj.core.api.Assertions.assertThat;

import io.dlock.spi.AttemptResult;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The waiter's retry delays: just past a holder's remaining lease, capped; exponential after
 * errors; soon and widening after collisions. Each bound is checked over many draws, since
 * every delay is jittered.
 */
class BackoffTest {

    private static final Duration MAX = Duration.ofSeconds(2);
    private static final int DRAWS = 10_000;

    private final Backoff backoff = new Backoff(MAX);

    @Test
    void afterADenialTheRetryComesJustPastTheHoldersRemainingLease() {
        Duration remaining = Duration.ofMillis(1_500);
        for (int i = 0; i < DRAWS; i++) {
            long delay = backoff.afterDenial(AttemptResult.Denied.holderFor(remaining));
            assertThat(delay)
                    .isBetween(remaining.toNanos(), remaining.plusMillis(5).toNanos());
        }
    }

    @Test
    void aShortRemainingLeaseGetsAJitterOfAtMostAnEighthOfIt() {
        Duration remaining = Duration.ofMillis(8);
        for (int i = 0; i < DRAWS; i++) {
            long delay = backoff.afterDenial(AttemptResult.Denied.holderFor(remaining));
            assertThat(delay).isBetween(remaining.toNanos(), remaining.toNanos() + remaining.toNanos() / 8);
        }
    }

    @Test
    void aDenialWithoutOrBeyondTheCapRetriesWithinHalfToAllOfTheCap() {
        for (int i = 0; i < DRAWS; i++) {
            assertThat(backoff.afterDenial(AttemptResult.Denied.untilNotified()))
                    .isBetween(MAX.toNanos() / 2, MAX.toNanos());
            assertThat(backoff.afterDenial(AttemptResult.Denied.holderFor(Duration.ofMinutes(1))))
                    .isBetween(MAX.toNanos() / 2, MAX.toNanos());
        }
    }

    @Test
    void errorsDoubleTheDelayFromTenMillisecondsUpToTheCap() {
        for (int i = 0; i < DRAWS; i++) {
            assertThat(backoff.afterError(1))
                    .isBetween(
                            Duration.ofMillis(5).toNanos(),
                            Duration.ofMillis(10).toNanos());
            assertThat(backoff.afterError(4))
                    .isBetween(
                            Duration.ofMillis(40).toNanos(),
                            Duration.ofMillis(80).toNanos());
            assertThat(backoff.afterError(1_000)).isBetween(MAX.toNanos() / 2, MAX.toNanos());
        }
    }

    @Test
    void collisionsRetrySoonWithACapThatDoublesWhileTheyRepeat() {
        long max = 0;
        for (int i = 0; i < DRAWS; i++) {
            long first = backoff.afterCollision(1);
            assertThat(first)
                    .isBetween(
                            Duration.ofMillis(1).toNanos(),
                            Duration.ofMillis(20).toNanos());
            max = Math.max(max, backoff.afterCollision(3));
            assertThat(backoff.afterCollision(1_000))
                    .isBetween(Duration.ofMillis(1).toNanos(), MAX.toNanos());
        }
        assertThat(max)
                .as("the third collision's cap is 80 ms, and draws reach past the first's")
                .isBetween(
                        Duration.ofMillis(20).toNanos(), Duration.ofMillis(80).toNanos());
    }
}
