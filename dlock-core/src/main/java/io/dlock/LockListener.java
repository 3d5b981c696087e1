package io.dlock;

import java.time.Duration;

/**
 * Told what a client does with its locks, for metrics and tracing ({@code dlock-micrometer}
 * turns these into meters). Give one to {@link LockClient.Builder#listener(LockListener)}.
 *
 * <p>Each lease ends exactly once: {@link #leaseReleased} or {@link #leaseLost}. Methods run on
 * the thread where the event happens, which may be an I/O or timer thread: they must be fast,
 * must not block and should not throw (what they throw is logged and ignored). An event may be
 * told a moment after the call it is about has returned to its caller (an {@code acquire()}, a
 * {@code close()}). Every method has an empty default, so an implementation overrides only what
 * it needs.
 */
public interface LockListener {

    /** The listener that does nothing, the default. */
    LockListener NONE = new LockListener() {};

    /**
     * An acquisition of {@code lock} ended.
     *
     * @param waited from the call to its outcome
     */
    default void acquisitionEnded(String lock, AcquisitionOutcome outcome, Duration waited) {}

    /** A lease of {@code lock} was released by its holder after being held for {@code held}. */
    default void leaseReleased(String lock, Duration held) {}

    /** A lease of {@code lock} was lost, for {@code cause}, after being held for {@code held}. */
    default void leaseLost(String lock, LossCause cause, Duration held) {}

    /** The watchdog's renewal of one lease of {@code lock} finished with {@code outcome}. */
    default void leaseRenewed(String lock, RenewalOutcome outcome) {}

    /** How an acquisition ended. */
    enum AcquisitionOutcome {
        /** A lease was handed out. */
        ACQUIRED,
        /** The wait ran out while the lock was taken ({@link LockTimeoutException}). */
        TIMED_OUT,
        /** The backend could not be reached until the deadline ({@link BackendUnavailableException}). */
        UNAVAILABLE,
        /** The caller gave up: cancelled, interrupted, or the client closed. */
        CANCELLED,
        /** Any other failure, such as a server refusing the credentials. */
        FAILED
    }

    /** Why a lease was lost. */
    enum LossCause {
        /** A renewal found the lock no longer held by this owner. */
        RENEWAL_REFUSED,
        /** Renewals failed or could not be decided until the lease's deadline. */
        RENEWALS_FAILED,
        /** A fixed lease ran out before it was released. */
        FIXED_LEASE_ENDED,
        /** The backend found the grant gone on its own (a ZooKeeper session ended or was suspended). */
        BACKEND,
        /** The release found the lock no longer held, or could not confirm a session-bound one. */
        FOUND_AT_RELEASE
    }

    /** What one lease's renewal found. */
    enum RenewalOutcome {
        /** Extended to its full lease. */
        RENEWED,
        /** Refused: the lock is no longer held by this owner (the lease is lost). */
        NOT_HELD,
        /** Not decided now (too few servers answered, or none); tried again until the deadline. */
        UNDECIDED
    }
}
