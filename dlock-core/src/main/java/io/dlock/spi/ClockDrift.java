package io.dlock.spi;

import java.time.Duration;
import java.util.Objects;

/**
 * The clock-drift allowance subtracted from every lease's validity: clocks of client and
 * servers may run at slightly different rates, so a lease is trusted for
 * {@code lease - (lease * factor + minimum)} only (the Redlock paper's drift term).
 *
 * @param factor the share of the lease, in [0, 0.5)
 * @param minimum the fixed part, between 0 and 1 s
 */
public record ClockDrift(double factor, Duration minimum) {

    /** The client's default: 1% of the lease plus 2 ms, as in the Redlock paper. */
    public static final ClockDrift DEFAULT = new ClockDrift(0.01, Duration.ofMillis(2));

    /** Checks the ranges. */
    public ClockDrift {
        Objects.requireNonNull(minimum, "minimum drift");
        if (!(factor >= 0 && factor < 0.5)) {
            throw new IllegalArgumentException("drift factor must be in [0, 0.5), was " + factor);
        }
        if (minimum.isNegative() || minimum.compareTo(Duration.ofSeconds(1)) > 0) {
            throw new IllegalArgumentException("minimum drift must be between 0 and 1s, was " + minimum);
        }
    }

    /** The allowance for {@code lease}. */
    public Duration allowanceFor(Duration lease) {
        return Duration.ofNanos(allowanceNanos(lease));
    }

    /** The allowance for {@code lease} in nanoseconds, as {@link #allowanceFor} without creating a duration. */
    public long allowanceNanos(Duration lease) {
        return (long) (lease.toNanos() * factor) + minimum.toNanos();
    }
}
