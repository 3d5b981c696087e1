package io.dlock.torture;

/**
 * How the workers use the lock: correctly, or as one of the negative controls, deliberately
 * broken variants that the checker must flag in every run.
 */
public enum WorkerMode {

    /** The library as documented: renewed leases, owner-checked release, fenced reads and writes. */
    CORRECT,
    /** The worker reads and writes the store without its token being checked. */
    NO_FENCING,
    /**
     * Release deletes whoever holds the lock, and is sent again shortly after, as a client that
     * retries a release whose reply it did not see. Redis backends only.
     */
    RELEASE_WITHOUT_OWNER_CHECK,
    /** Renewal reports success without reaching the server: the lease runs out while the holder goes on. */
    NEVER_RENEWED,
    /** Redlock with {@code restartDetection=false}: a node restarted empty votes at once. */
    REDLOCK_WITHOUT_RESTART_DETECTION;

    /** Returns true for the deliberately broken variants. */
    public boolean isControl() {
        return this != CORRECT;
    }
}
