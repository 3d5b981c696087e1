package io.dlock;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A snapshot of one lock as its backend sees it, from {@link LockClient#inspect(String)}.
 *
 * @param name the lock name
 * @param holder who holds the lock, empty when it is free
 * @param queueLength how many clients wait in the backend's queue, where the backend keeps one
 *     (ZooKeeper); empty where waiters are not visible to the server (Redis)
 */
public record LockState(String name, Optional<Holder> holder, OptionalInt queueLength) {

    /** Checks that no component is null. */
    public LockState {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(holder, "holder");
        Objects.requireNonNull(queueLength, "queueLength");
    }

    /** A free lock with no visible queue. */
    public static LockState free(String name) {
        return new LockState(name, Optional.empty(), OptionalInt.empty());
    }

    /** Returns true when someone holds the lock. */
    public boolean isHeld() {
        return holder.isPresent();
    }

    /**
     * The current holder of a lock.
     *
     * @param owner the holder's owner id (see {@link Lease#owner()})
     * @param fencingToken the token its acquisition returned
     * @param remaining how long its lease runs without renewal; empty where the lock lives as
     *     long as the holder's session (ZooKeeper)
     */
    public record Holder(String owner, long fencingToken, Optional<Duration> remaining) {

        /** Checks that no component is null. */
        public Holder {
            Objects.requireNonNull(owner, "owner");
            Objects.requireNonNull(remaining, "remaining");
        }
    }
}
