package io.dlock.spi;

import java.util.concurrent.CompletionStage;

/**
 * One owner's acquisition of one name: the backend's state for it (a queue position, the
 * servers that may hold its grant), from the first attempt until everything it took is released.
 *
 * <p>The engine calls {@link #attempt()} repeatedly, never concurrently, until it is granted or
 * the engine gives up. After the first denial it calls {@link #watch()} once and, unless the
 * watch already covered that attempt, attempts once more, so a change between the denial and the
 * watch is never missed. Once granted, the acquisition
 * is the grant's handle: the engine releases it through {@link #release()}. Whenever the engine
 * gives up, or the grant ends, it calls {@link #release()} after the last attempt has completed.
 */
public interface Acquisition {

    /**
     * Tries once to take the grant; does not wait for the holder.
     *
     * @implSpec One logical try, typically one round trip. Repeating an attempt whose reply was
     *     lost must be safe: the same owner must not end up holding two grants. Never sleeps
     *     and never retries on its own.
     * @return a stage completing with the result, or exceptionally when the backend could not
     *     be reached (the outcome is then unknown)
     */
    CompletionStage<AttemptResult> attempt();

    /**
     * Starts calling the acquisition's {@code onChange} when the grant may have become available
     * to it: a release of the name (pub/sub), the predecessor in a queue leaving (a ZooKeeper
     * watch). A backend may listen earlier on its own (when it costs no I/O), never later.
     *
     * @implSpec Idempotent while watching; stops with a grant or {@link #release()}.
     * @return a stage completing once the watch is in place: with true when no change since the
     *     last attempt began can have been missed (the backend was already listening then, or
     *     what it watches is still there), so no attempt is needed to cover the gap; with false
     *     when the engine must attempt once more. Exceptionally when the watch could not be set
     *     up; the engine then falls back to timed retries
     */
    CompletionStage<Boolean> watch();

    /**
     * Releases whatever this acquisition holds or may hold (its grant, a queue entry, a grant
     * whose reply was lost), wakes the name's waiters if it held the grant, and stops watching.
     *
     * @implSpec Owner-checked and idempotent: releasing twice, or after the grant was lost and
     *     taken by someone else, changes nothing. Safe to call when nothing was taken. A call
     *     that could not reach a server that may still hold the grant completes exceptionally;
     *     calling again then tries only what is left.
     * @return a stage with true if this acquisition held its grant until this release
     */
    CompletionStage<Boolean> release();
}
