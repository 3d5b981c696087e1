package io.dlock;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * A held grant of one lock: who holds it, with which fencing token, and until when.
 *
 * <p>A lease is valid from its acquisition until it is released, lost or (for a fixed lease)
 * runs out. Validity is judged locally on the monotonic clock: the deadline is the time the
 * acquisition (or the last successful renewal) was sent, plus the lease, minus the clock-drift
 * allowance, so a lease is never reported valid after the server may have dropped it. Renewed
 * leases are extended by the client's watchdog; when renewal is refused or keeps failing until
 * the deadline, the lease is lost: {@link #isValid()} turns false and the
 * {@linkplain #onLost listeners} fire.
 *
 * <p>Leases are thread-safe. A lease is not reentrant: it is its own owner.
 */
public interface Lease extends AutoCloseable {

    /** The lock name. */
    String name();

    /** The owner id the backend knows this lease by, unique per acquisition. */
    String owner();

    /**
     * The fencing token: strictly greater than every token handed out for this name before, on
     * this backend. Pass it to the storage you protect and let it reject lower tokens.
     */
    long fencingToken();

    /** Returns true until the lease is released, lost, or past its local deadline. */
    boolean isValid();

    /**
     * How long the lease stays valid without another renewal; {@link Duration#ZERO} once it is
     * not valid. For leases that live as long as a session (ZooKeeper, renewed) there is no
     * deadline, and the value is {@code Duration.ofNanos(Long.MAX_VALUE)} (about 292 years, so
     * every conversion such as {@code toMillis()} works): such a lease ends only when the backend
     * reports the session lost.
     */
    Duration remaining();

    /**
     * Registers a listener told once when this lease is lost, on the client's callback
     * executor. A listener added after the loss is told at once. Not called on a normal
     * release.
     *
     * @return this lease
     */
    Lease onLost(LeaseLostListener listener);

    /**
     * Releases the lock if this lease still holds it, waking waiters; idempotent.
     *
     * @throws LeaseLostException if the lease had been lost or had run out before this release
     *     (the lock was not held all the way), or, for a lease that lives as long as a session
     *     (ZooKeeper), if the server could not confirm the release, so the session may have
     *     ended first; the lease is released either way (a release the server did not answer is
     *     retried while the server may still hold the lock)
     */
    @Override
    void close();

    /**
     * Releases like {@link #close()} without blocking.
     *
     * @return a stage completing, on the client's callback executor, when the backend answered;
     *     exceptionally with {@link LeaseLostException} where {@link #close()} would throw it
     */
    CompletableFuture<Void> releaseAsync();
}
