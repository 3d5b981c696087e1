package io.dlock;

import java.time.Duration;

/** The lock could not be acquired within the wait the caller allowed. Nothing is held. */
public class LockTimeoutException extends LockException {

    private static final long serialVersionUID = 1L;

    /** Creates the exception for lock {@code name} and the wait that ran out. */
    public LockTimeoutException(String name, Duration wait) {
        super("lock '" + name + "' was not acquired within " + Durations.format(wait));
    }

    /** Creates the exception for lock {@code name}, the wait that ran out, and why it ran out in vain. */
    public LockTimeoutException(String name, Duration wait, String why) {
        super("lock '" + name + "' was not acquired within " + Durations.format(wait) + ": " + why);
    }
}
