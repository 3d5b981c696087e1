package io.dlock;

/**
 * A lease ended while its holder still used it: it was lost (renewal refused or failed, session
 * or quorum lost) or, for a fixed lease, ran out before it was released. The critical section
 * was not protected all the way; fencing tokens let a storage system reject the stale writes.
 */
public class LeaseLostException extends LockException {

    private static final long serialVersionUID = 1L;

    /** Creates the exception with the reason the lease ended. */
    public LeaseLostException(String message) {
        super(message);
    }
}
