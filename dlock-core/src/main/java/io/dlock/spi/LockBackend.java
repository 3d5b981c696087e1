package io.dlock.spi;

import io.dlock.LockState;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * The round trips of one lock service: acquire, renew, release, inspect.
 *
 * <p>All methods are thread-safe and non-blocking: they start I/O and return a stage. Stages
 * complete exceptionally with {@link io.dlock.BackendUnavailableException} (or a subtype of
 * {@link io.dlock.LockException}) when servers cannot be reached or time out; they must not
 * hang longer than the backend's configured operation timeout. Policy (waiting, retrying,
 * renewal timing, reentrancy) belongs to the engine, not here.
 */
public interface LockBackend extends AutoCloseable {

    /**
     * Starts an acquisition of {@code request.name()} for {@code request.owner()}.
     *
     * @param onChange called (from any thread, possibly more than once, possibly spuriously)
     *     when the lock may have become free after a denial; must not be called after
     *     {@link Acquisition#abandon()} or a grant completed
     * @return the acquisition; performs no I/O until its first attempt
     */
    Acquisition acquisition(LockRequest request, Runnable onChange);

    /**
     * Extends each held lock to its full lease from now, in as few round trips as possible.
     *
     * @implSpec Owner-checked: a lock not held by the request's owner is left alone and
     *     reported {@link Renewal#NOT_HELD}. Each lease is decided on its own: one that cannot
     *     be decided is {@link Renewal#UNDECIDED} and never fails the others. Backends without
     *     server-side expiry answer {@link Renewal#RENEWED} for held locks. The stage fails only
     *     when no lease could be decided because the service was unreachable.
     * @return a stage with one entry per request, in order
     */
    CompletionStage<List<Renewal>> renew(List<LockRequest> held);

    /**
     * Releases the lock if, and only if, {@code held.owner()} holds it, and wakes its waiters.
     *
     * @implSpec Idempotent: releasing twice, or releasing a lock taken by someone else after
     *     this owner lost it, changes nothing.
     * @return a stage with true if this owner held the lock until this release
     */
    CompletionStage<Boolean> release(LockRequest held);

    /** Reads who holds {@code name}, for how long and with which token; changes nothing. */
    CompletionStage<LockState> inspect(String name);

    /** What this backend does by itself; constant for the backend's lifetime. */
    BackendCapabilities capabilities();

    /**
     * Closes connections. Locks still held are not released (the engine releases them first);
     * they expire with their lease or session.
     */
    @Override
    void close();
}
