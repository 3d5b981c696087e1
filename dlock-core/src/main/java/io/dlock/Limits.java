package io.dlock;

import java.time.Duration;
import java.util.Objects;

/**
 * The input rules every lock operation checks before any I/O, so bad input fails at once with
 * a message naming the problem.
 */
final class Limits {

    /** Longest lock name, in characters. Longer names are almost always a bug (a payload). */
    static final int MAX_NAME_LENGTH = 256;

    /** Shortest lease: below this, clock drift and one round trip eat the whole lease. */
    static final Duration MIN_LEASE = Duration.ofMillis(10);

    /** Longest lease or wait accepted: anything longer is a unit mistake. */
    static final Duration MAX_DURATION = Duration.ofDays(30);

    private Limits() {}

    static String checkName(String name) {
        Objects.requireNonNull(name, "lock name must not be null");
        if (name.isEmpty()) {
            throw new IllegalArgumentException("lock name must not be empty");
        }
        if (name.length() > MAX_NAME_LENGTH) {
            throw new IllegalArgumentException(
                    "lock name is " + name.length() + " characters long; the limit is " + MAX_NAME_LENGTH);
        }
        for (int i = 0; i < name.length(); i++) {
            if (Character.isISOControl(name.charAt(i))) {
                throw new IllegalArgumentException("lock name contains control character U+"
                        + String.format("%04X", (int) name.charAt(i)) + " at index " + i);
            }
        }
        return name;
    }

    static Duration checkLease(Duration lease) {
        Objects.requireNonNull(lease, "lease must not be null");
        if (lease.compareTo(MIN_LEASE) < 0) {
            throw new IllegalArgumentException("lease must be at least " + Durations.format(MIN_LEASE) + ", was "
                    + (lease.isNegative() ? lease.toString() : Durations.format(lease)));
        }
        if (lease.compareTo(MAX_DURATION) > 0) {
            throw new IllegalArgumentException(
                    "lease must be at most " + Durations.format(MAX_DURATION) + ", was " + Durations.format(lease));
        }
        return lease;
    }

    static Duration checkWait(Duration wait) {
        Objects.requireNonNull(wait, "wait must not be null");
        if (wait.isNegative()) {
            throw new IllegalArgumentException("wait must not be negative, was " + wait);
        }
        if (wait.compareTo(MAX_DURATION) > 0) {
            throw new IllegalArgumentException("wait must be at most " + Durations.format(MAX_DURATION)
                    + " (use acquire() or lock() to wait without limit), was " + Durations.format(wait));
        }
        return wait;
    }
}
