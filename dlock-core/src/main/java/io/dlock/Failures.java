package io.dlock;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** Turns the failure of a future into the exception the blocking API throws. */
final class Failures {

    private Failures() {}

    /** Returns the unchecked exception to throw for {@code failure}, unwrapping future wrappers. */
    static RuntimeException rethrow(Throwable failure) {
        Throwable cause = unwrap(failure);
        if (cause instanceof RuntimeException runtime) {
            return runtime;
        }
        if (cause instanceof Error error) {
            throw error;
        }
        return new LockException("unexpected failure: " + cause, cause);
    }

    static Throwable unwrap(Throwable failure) {
        Throwable cause = failure;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException)
                && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }
}
