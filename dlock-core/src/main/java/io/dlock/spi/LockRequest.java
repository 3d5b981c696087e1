package io.dlock.spi;

import java.time.Duration;
import java.util.Objects;

/**
 * One owner's claim on one lock name for one lease: what a backend is asked to acquire, renew
 * or release.
 *
 * @param name the lock name, already validated by the engine
 * @param owner the owner id, unique per acquisition; only this owner may renew or release
 * @param lease how long the backend keeps the lock without renewal (ignored by backends whose
 *     locks live as long as a session)
 */
public record LockRequest(String name, String owner, Duration lease) {

    /** Checks that no component is null. */
    public LockRequest {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(lease, "lease");
    }
}
