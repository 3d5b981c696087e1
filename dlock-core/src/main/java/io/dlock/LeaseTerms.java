package io.dlock;

import java.time.Duration;
import java.util.Optional;

/**
 * How a lease is kept once granted: renewed by the watchdog for the client's default lease, or
 * fixed to a duration and never renewed.
 *
 * @param fixed the fixed lease; empty for a renewed one
 */
record LeaseTerms(Optional<Duration> fixed) {

    private static final LeaseTerms RENEWED = new LeaseTerms(Optional.empty());

    /** Renewed by the watchdog while held. */
    static LeaseTerms renewed() {
        return RENEWED;
    }

    /** Fixed to {@code lease}, already checked by {@link Limits#checkLease}; not renewed. */
    static LeaseTerms fixed(Duration lease) {
        return new LeaseTerms(Optional.of(lease));
    }

    boolean isRenewed() {
        return fixed.isEmpty();
    }
}
