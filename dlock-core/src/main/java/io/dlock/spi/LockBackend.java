package io.dlock.spi;

import io.dlock.Health;
import io.dlock.LockState;
import java.time.Duration;
import java.util.concurrent.CompletionStage;

/**
 * One lock service, answering the engine's questions: may this owner have that grant now, tell
 * me when it may have changed, take it back, who holds it. Policy (waiting, retrying, renewal
 * timing, reentrancy, loss signalling) belongs to the engine, not here: a backend never sleeps,
 * polls or retries on its own.
 *
 * <p>All methods are thread-safe and non-blocking: they start I/O and return a stage. Stages
 * complete exceptionally with {@link io.dlock.BackendUnavailableException} (or another
 * {@link io.dlock.LockException}) when servers cannot be reached or time out; they must not hang
 * longer than the backend's configured operation timeout. A backend whose server expires
 * leases also implements {@link RenewingBackend}.
 */
public interface LockBackend extends AutoCloseable {

    /**
     * Starts an acquisition of {@code request.name()} for {@code request.owner()}.
     *
     * @param onChange what the acquisition calls when its grant may have become available (see
     *     {@link Acquisition#watch()}); from any thread, possibly more than once or spuriously,
     *     never after a grant or a release
     * @return the acquisition; performs no I/O until its first attempt
     * @throws UnsupportedOperationException if the request asks for what this backend does not
     *     offer (see {@link BackendCapabilities})
     * @throws IllegalArgumentException if the request contradicts the backend's settings (a
     *     lease its options cannot serve), naming both
     */
    Acquisition acquisition(LockRequest request, Runnable onChange);

    /**
     * Checks that this backend can serve a grant of {@code lease}: a fixed lease, an extension,
     * a time a released grant is kept for. Called before any I/O.
     *
     * @implSpec The default accepts every lease the engine's own limits allow.
     * @throws IllegalArgumentException naming the lease and the setting it contradicts
     */
    default void checkLease(Duration lease) {}

    /**
     * Checks that this backend can keep a released grant for {@code keep} ({@code
     * Lease.releaseAfter}): no holder relies on it any more, so only limits that protect the
     * name's next holders apply. Called before any I/O.
     *
     * @implSpec The default accepts every time the engine's own limits allow.
     * @throws IllegalArgumentException naming the time and the setting it contradicts
     */
    default void checkKeep(Duration keep) {}

    /** Reads who holds {@code name}, for how long and with which token; changes nothing. */
    CompletionStage<LockState> inspect(String name);

    /**
     * Checks whether the service can grant locks now, with one round trip at most (a ping, each
     * node's at once, the session's state).
     *
     * @return a stage with the health; it does not fail: an unreachable service is reported down
     */
    CompletionStage<Health> health();

    /**
     * The backend's kind in lower case, such as {@code redis}, {@code redlock} or
     * {@code zookeeper}: for metrics tags and health reports.
     */
    String kind();

    /** What this backend does by itself; constant for the backend's lifetime. */
    BackendCapabilities capabilities();

    /**
     * Closes connections. Grants still held are not released (the engine releases them first);
     * they expire with their lease or session.
     */
    @Override
    void close();
}
