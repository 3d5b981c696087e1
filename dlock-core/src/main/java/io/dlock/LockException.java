package io.dlock;

/** The root of every exception dlock throws about locks and their backends. Unchecked. */
public class LockException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** Creates an exception with a message that says what failed and why. */
    public LockException(String message) {
        super(message);
    }

    /** Creates an exception with a message and the underlying cause. */
    public LockException(String message, Throwable cause) {
        super(message, cause);
    }
}
