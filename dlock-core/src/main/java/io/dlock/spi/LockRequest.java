package io.dlock.spi;

import java.time.Duration;
import java.util.Objects;

/**
 * One owner's claim on a name for one lease: what a backend is asked to grant, renew or
 * release. Every primitive is such a request: a mutex is one permit of one, exclusive; a
 * semaphore k of N permits; a read lock a shared grant, a write lock an exclusive one.
 *
 * @param name the name, already validated by the engine
 * @param owner the owner id, unique per acquisition; only this owner may renew or release
 * @param lease how long the backend keeps the grant without renewal (ignored by backends whose
 *     grants live as long as a session)
 * @param permits how many permits this grant takes, at least 1 and at most the capacity
 * @param capacity how many permits the name has in all; every request for a name must agree
 * @param mode exclusive (no other grant beside it) or shared (beside other shared grants)
 */
public record LockRequest(String name, String owner, Duration lease, int permits, int capacity, Mode mode) {

    /** Checks that no component is null and that the permits fit the capacity. */
    public LockRequest {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(lease, "lease");
        Objects.requireNonNull(mode, "mode");
        if (permits < 1 || permits > capacity) {
            throw new IllegalArgumentException(
                    "permits must be between 1 and the capacity of " + capacity + ", was " + permits);
        }
    }

    /** This request with another lease: to renew for a different time, or hand a grant back to expire. */
    public LockRequest withLease(Duration otherLease) {
        return new LockRequest(name, owner, otherLease, permits, capacity, mode);
    }

    /** A mutex: one permit of one, exclusive. */
    public static LockRequest mutex(String name, String owner, Duration lease) {
        return new LockRequest(name, owner, lease, 1, 1, Mode.EXCLUSIVE);
    }

    /** Whether a grant excludes every other grant of the name, or only exclusive ones. */
    public enum Mode {
        /** No other grant of the name beside this one. */
        EXCLUSIVE,
        /** Beside other shared grants, never beside an exclusive one. */
        SHARED
    }
}
