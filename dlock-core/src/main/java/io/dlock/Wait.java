package io.dlock;

import java.time.Duration;
import java.util.Optional;

/**
 * How long an acquisition keeps trying: without limit, or up to a duration (zero: one attempt).
 *
 * @param limit the longest wait; empty for no limit
 */
record Wait(Optional<Duration> limit) {

    private static final Wait FOREVER = new Wait(Optional.empty());
    /** Shared: a wait of zero is the common non-blocking try. */
    private static final Wait SINGLE_ATTEMPT = new Wait(Optional.of(Duration.ZERO));

    /** No limit. */
    static Wait forever() {
        return FOREVER;
    }

    /** Up to {@code wait}, already checked by {@link Limits#checkWait}. */
    static Wait upTo(Duration wait) {
        return wait.isZero() ? SINGLE_ATTEMPT : new Wait(Optional.of(wait));
    }

    /** True for a wait of zero: exactly one attempt. */
    boolean isSingleAttempt() {
        return limit.filter(Duration::isZero).isPresent();
    }

    @Override
    public String toString() {
        return limit.map(Durations::format).orElse("forever");
    }
}
