package io.dlock.cli;

/**
 * The exit codes of {@code dlock}, chosen from sysexits(3) where one fits so that scripts can
 * tell the outcomes apart. {@code dlock run} otherwise exits with its child's code.
 */
final class ExitCodes {

    /** Success; for {@code status}: every lock named is held. */
    static final int OK = 0;
    /** {@code status}: at least one lock named is free. */
    static final int FREE = 1;
    /** Bad command line: unknown option, bad duration, malformed URI. */
    static final int USAGE = 64;
    /** The lock service could not be reached. */
    static final int UNAVAILABLE = 69;
    /** An unexpected failure inside dlock. */
    static final int SOFTWARE = 70;
    /** {@code run}: the lock was not acquired within {@code --wait}; the command did not run. */
    static final int LOCK_NOT_ACQUIRED = 75;
    /** {@code run}: the lease was lost while the command ran; the command was stopped. */
    static final int LEASE_LOST = 76;

    private ExitCodes() {}
}
