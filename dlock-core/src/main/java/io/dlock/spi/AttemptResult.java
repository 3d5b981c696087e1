package io.dlock.spi;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The outcome of one acquisition attempt: granted with a fencing token, denied while someone
 * else holds the grant, or to be retried soon (nobody holds it, but this attempt did not win it).
 */
public sealed interface AttemptResult {

    /**
     * The grant is held by the requesting owner.
     *
     * @param fencingToken strictly greater than every token any earlier grant of this name
     *     returned, on this backend
     * @param lost completes, with a sentence for humans saying why (without credentials), when
     *     the backend finds this grant gone on its own (a ZooKeeper session ended); it belongs to
     *     the grant, so a loss can never race the lease it ends. {@link #neverLost()} where a
     *     backend has no such signal
     */
    record Granted(long fencingToken, CompletionStage<String> lost) implements AttemptResult {

        private static final CompletionStage<String> NEVER = new CompletableFuture<String>().minimalCompletionStage();

        /** Checks that the loss signal is not null. */
        public Granted {
            Objects.requireNonNull(lost, "lost");
        }

        /** A grant whose loss only renewal or its own deadline can reveal (Redis). */
        public static Granted withToken(long fencingToken) {
            return new Granted(fencingToken, NEVER);
        }

        /** The loss signal of a grant no backend event ever ends. */
        public static CompletionStage<String> neverLost() {
            return NEVER;
        }

        /** False for {@link #neverLost()}: there is nothing to follow (and nothing to attach to it). */
        public boolean signalsLoss() {
            return lost != NEVER;
        }
    }

    /**
     * Someone else holds the grant.
     *
     * @param holderRemaining how long the current holder's lease still runs, when the backend
     *     knows it; empty where the grant lives as long as the holder's session, in which case
     *     the watch is the only wake-up the engine relies on
     */
    record Denied(Optional<Duration> holderRemaining) implements AttemptResult {

        /** Checks that the optional is not null. */
        public Denied {
            Objects.requireNonNull(holderRemaining, "holderRemaining");
        }

        /** A denial that carries the holder's remaining lease. */
        public static Denied holderFor(Duration remaining) {
            return new Denied(Optional.of(remaining));
        }

        /** A denial from a backend that does not know how long the holder keeps the grant. */
        public static Denied untilNotified() {
            return new Denied(Optional.empty());
        }
    }

    /**
     * Nobody was found holding the grant, yet this attempt did not take it: competing clients
     * split the votes of a quorum between them. The engine retries soon, after a short jittered
     * delay that grows while attempts keep colliding, and does not watch (a split is cleaned up
     * without a release notification).
     */
    record Retry() implements AttemptResult {}
}
