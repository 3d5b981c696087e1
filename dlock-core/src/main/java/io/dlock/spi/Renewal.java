package io.dlock.spi;

/**
 * What one renewal found for one lease. Each lease of a batch is decided on its own, so a lease
 * that cannot be decided never costs the others.
 */
public enum Renewal {

    /** The owner still holds the lock and it was extended to its full lease from the request. */
    RENEWED,

    /** The lock is no longer held by this owner (it expired or was taken over): the lease is lost. */
    NOT_HELD,

    /**
     * Neither could be established now (too few servers answered); the engine tries again while
     * the lease is still valid, and loses it at its deadline if no renewal succeeds.
     */
    UNDECIDED
}
