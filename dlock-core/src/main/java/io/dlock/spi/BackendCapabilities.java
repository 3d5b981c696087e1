package io.dlock.spi;

/**
 * What a backend does on its own, so the engine knows what is left for it to do.
 *
 * @param serverExpiresLease true when the server drops a lock whose lease ran out (Redis): the
 *     engine then renews held leases; false when a lock lives as long as the holder's session
 *     (ZooKeeper): the engine then releases fixed leases itself when they end, and relies on
 *     the backend to report a lost session
 * @param fair true when waiters are granted the lock in arrival order
 */
public record BackendCapabilities(boolean serverExpiresLease, boolean fair) {}
