package io.dlock;

import io.dlock.spi.AttemptResult;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How long a waiter sleeps before its next attempt when no release notification arrives.
 *
 * <p>After a denial the retry is aimed just past the holder's remaining lease, so a crashed
 * holder (which publishes nothing) is replaced as soon as its lease runs out; it is capped by
 * the maximum delay, which bounds the cost of a missed notification. After an error the delay
 * grows exponentially to the same cap. After a collision with competing clients (a split vote,
 * {@link AttemptResult.Retry}) the retry comes soon, anywhere up to a cap that starts at
 * {@value #FIRST_COLLISION_CAP_MILLIS} ms and doubles while collisions repeat ("full jitter"), so
 * colliding clients fall out of step at once. Every delay is jittered so waiters do not retry in
 * step.
 */
final class Backoff {

    private static final long FIRST_ERROR_DELAY_NANOS = Duration.ofMillis(10).toNanos();
    private static final long MAX_EXPIRY_JITTER_NANOS = Duration.ofMillis(5).toNanos();
    private static final long FIRST_COLLISION_CAP_MILLIS = 20;
    private static final long MIN_COLLISION_DELAY_NANOS = Duration.ofMillis(1).toNanos();

    private final long maxDelayNanos;

    Backoff(Duration maxDelay) {
        this.maxDelayNanos = maxDelay.toNanos();
    }

    long afterDenial(AttemptResult.Denied denial) {
        long remaining = denial.holderRemaining().map(Duration::toNanos).orElse(Long.MAX_VALUE);
        if (remaining < maxDelayNanos) {
            long jitter = Math.min(MAX_EXPIRY_JITTER_NANOS, remaining / 8) + 1;
            return remaining + ThreadLocalRandom.current().nextLong(jitter);
        }
        return halfToFull(maxDelayNanos);
    }

    long afterError(int consecutiveErrors) {
        int doublings = Math.min(consecutiveErrors - 1, 30);
        long delay = Math.min(maxDelayNanos, FIRST_ERROR_DELAY_NANOS << doublings);
        return halfToFull(delay);
    }

    long afterCollision(int consecutiveCollisions) {
        int doublings = Math.min(consecutiveCollisions - 1, 30);
        long cap = Math.min(
                maxDelayNanos, Duration.ofMillis(FIRST_COLLISION_CAP_MILLIS).toNanos() << doublings);
        return MIN_COLLISION_DELAY_NANOS
                + ThreadLocalRandom.current().nextLong(Math.max(1, cap - MIN_COLLISION_DELAY_NANOS));
    }

    private static long halfToFull(long nanos) {
        return nanos / 2 + ThreadLocalRandom.current().nextLong(nanos / 2 + 1);
    }
}
