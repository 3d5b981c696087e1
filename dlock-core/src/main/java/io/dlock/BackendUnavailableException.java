package io.dlock;

/**
 * The lock service could not be reached or did not answer in time. The message names the
 * servers and the reason; it never contains a password.
 */
public class BackendUnavailableException extends LockException {

    private static final long serialVersionUID = 1L;

    /** Creates an exception whose message names the unreachable servers and why. */
    public BackendUnavailableException(String message) {
        super(message);
    }

    /** Creates an exception with the underlying I/O failure as cause. */
    public BackendUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
