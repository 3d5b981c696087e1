package io.dlock.spi;

import java.time.Duration;
import java.util.Optional;

/**
 * The outcome of one acquisition attempt: granted with a fencing token, denied while someone
 * else holds the lock, or to be retried soon (nobody holds it, but this attempt did not win it).
 */
public sealed interface AttemptResult {

    /**
     * The lock is held by the requesting owner.
     *
     * @param fencingToken strictly greater than every token any earlier grant of this name
     *     returned, on this backend
     */
    record Granted(long fencingToken) implements AttemptResult {}

    /**
     * Someone else holds the lock.
     *
     * @param holderRemaining how long the current holder's lease still runs, when the backend
     *     knows it; empty where the lock lives as long as the holder's session, in which case
     *     the backend's change notification is the only wake-up the engine relies on
     */
    record Denied(Optional<Duration> holderRemaining) implements AttemptResult {

        /** Checks that the optional is not null. */
        public Denied {
            java.util.Objects.requireNonNull(holderRemaining, "holderRemaining");
        }

        /** A denial that carries the holder's remaining lease. */
        public static Denied holderFor(Duration remaining) {
            return new Denied(Optional.of(remaining));
        }

        /** A denial from a backend that does not know how long the holder keeps the lock. */
        public static Denied untilNotified() {
            return new Denied(Optional.empty());
        }
    }

    /**
     * Nobody was found holding the lock, yet this attempt did not take it: competing clients
     * split the votes of a quorum between them. The engine retries soon, after a short jittered
     * delay that grows while attempts keep colliding, and not on a release notification (a split
     * is cleaned up without one).
     */
    record Retry() implements AttemptResult {}
}
