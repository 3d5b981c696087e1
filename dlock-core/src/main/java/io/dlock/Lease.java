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
     * Releases this lease, but keeps the lock taken for {@code keepFor} from now: nobody else gets
     * it before that, and it is free once it passes (a "hold at least" rule, such as ShedLock's
     * {@code lockAtLeastFor}). The lease ends now for its holder, as with {@link #close()}: it is
     * no longer valid, and it is not reported lost when the time passes. A {@code keepFor} below
     * the shortest lease (10 ms), zero or negative releases at once.
     *
     * @throws LeaseLostException as {@link #close()} does
     * @throws IllegalArgumentException if {@code keepFor} is longer than a lease may be (30 days,
     *     or less where the backend says so, such as Redlock's restart quarantine); no backend
     *     asks for a minimum
     * @throws BackendUnavailableException if the server could not be reached to hand the lock back
     *     for that time (it is retried, then the lock ends with its lease)
     */
    void releaseAfter(Duration keepFor);

    /**
     * Sets this fixed lease to end {@code lease} from now, longer or shorter than it had left, on
     * the server (owner-checked) and locally.
     *
     * @return true if the lease was still held and now ends {@code lease} from now; false if it
     *     had been lost, released or had run out (then nothing changes)
     * @throws IllegalStateException if the lease is renewed by the watchdog (extend fixed leases)
     * @throws IllegalArgumentException if {@code lease} is out of range (10 ms to 30 days, and
     *     longer than the clock-drift allowance)
     * @throws BackendUnavailableException if the server could not be reached to decide
     */
    boolean extend(Duration lease);

    /**
     * Releases like {@link #close()} without blocking.
     *
     * @return a stage completing, on the client's callback executor, when the backend answered;
     *     exceptionally with {@link LeaseLostException} where {@link #close()} would throw it
     */
    CompletableFuture<Void> releaseAsync();
}
