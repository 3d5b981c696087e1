package io.dlock.spi;

import java.util.concurrent.CompletionStage;

/**
 * One owner's pending acquisition of one lock: the backend's state between attempts (a queue
 * position, a subscription), driven by the engine's wait loop.
 *
 * <p>The engine calls {@link #attempt()} repeatedly, never concurrently, until it is granted
 * or the engine gives up; when it gives up it calls {@link #abandon()} exactly once, after the
 * last attempt has completed. A granted acquisition is finished: the engine then renews and
 * releases through {@link LockBackend}.
 */
public interface Acquisition {

    /**
     * Tries once to take the lock; does not wait for the holder.
     *
     * @implSpec One logical try, typically one round trip. Repeating an attempt whose reply was
     *     lost must be safe: the same owner must not end up holding two grants. When the result
     *     is {@link AttemptResult.Denied}, the backend must already be watching the lock so that
     *     a release happening after the denial calls the engine's change callback. Never sleeps
     *     and never retries on its own.
     * @return a stage completing with the result, or exceptionally when the backend could not
     *     be reached (the outcome is then unknown)
     */
    CompletionStage<AttemptResult> attempt();

    /**
     * Gives up: removes anything the attempts may have left behind (a queue node, a grant whose
     * reply was lost) and stops watching.
     *
     * @implSpec Idempotent and safe to call when nothing was taken. Must not throw; failures
     *     complete the stage exceptionally.
     */
    CompletionStage<Void> abandon();
}
