package io.dlock;

import java.time.Duration;

/** The lock could not be acquired within the wait the caller allowed. Nothing is held. */
public class LockTimeoutException extends LockException {

    private static final long serialVersionUID = 1L;

    /** Creates the exception for lock {@code name} and the wait that ran out. */
    public LockTimeoutException(String name, Duration wait) {
        super("lock '" + name + "' was not acquired within " + Durations.format(wait));
    }
}
