package io.dlock.spi;

/**
 * What a backend does by itself and what it offers, so the engine knows what is left for it to
 * do and what to refuse before any I/O.
 *
 * @param serverExpiresLease true when the server drops a grant whose lease ran out (Redis): the
 *     engine then renews held leases (the backend is a {@link RenewingBackend}) and lets fixed
 *     leases run out; false when a grant lives as long as the holder's session (ZooKeeper): the
 *     engine then releases fixed leases itself when they end, and relies on the grant's loss
 *     signal
 * @param fair true when waiters are granted in arrival order
 * @param permits true when a request may ask for several permits of a larger capacity
 *     (semaphores); false when only a mutex (one permit of one) is served
 * @param shared true when a request may be {@link LockRequest.Mode#SHARED} (read locks)
 */
public record BackendCapabilities(boolean serverExpiresLease, boolean fair, boolean permits, boolean shared) {

    /** A backend that serves mutexes only. */
    public static BackendCapabilities mutex(boolean serverExpiresLease, boolean fair) {
        return new BackendCapabilities(serverExpiresLease, fair, false, false);
    }

    /**
     * Checks that this backend can serve {@code request}.
     *
     * @throws UnsupportedOperationException naming what the request asks that is not offered
     */
    public void check(LockRequest request) {
        if (!permits && (request.permits() != 1 || request.capacity() != 1)) {
            throw new UnsupportedOperationException("this backend serves mutexes only, not " + request.permits()
                    + " of " + request.capacity() + " permits");
        }
        if (!shared && request.mode() == LockRequest.Mode.SHARED) {
            throw new UnsupportedOperationException("this backend does not serve shared (read) grants");
        }
    }
}
