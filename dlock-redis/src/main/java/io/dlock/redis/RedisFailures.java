package io.dlock.redis;

import io.dlock.BackendUnavailableException;
import io.dlock.LockException;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisException;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * Turns Lettuce failures into dlock's exceptions, naming the server and the reason: transient
 * ones (unreachable, timed out, loading, failing over) become
 * {@link BackendUnavailableException}, which the engine retries; the rest are
 * {@link LockException}s that fail at once.
 */
final class RedisFailures {

    private static final Set<String> TRANSIENT_ERRORS =
            Set.of("LOADING", "BUSY", "MASTERDOWN", "TRYAGAIN", "READONLY", "CLUSTERDOWN");

    private RedisFailures() {}

    static LockException translate(Throwable failure, RedisEndpoint endpoint) {
        Throwable error = failure;
        while ((error instanceof CompletionException || error instanceof ExecutionException)
                && error.getCause() != null) {
            error = error.getCause();
        }
        if (error instanceof LockException lockException) {
            return lockException;
        }
        if (error instanceof RedisCommandTimeoutException) {
            return new BackendUnavailableException(
                    endpoint + " did not answer within " + endpoint.timeout().toMillis() + " ms", error);
        }
        if (error instanceof RedisCommandExecutionException command) {
            String message = String.valueOf(command.getMessage());
            String code = message.split(" ", 2)[0];
            if (TRANSIENT_ERRORS.contains(code)) {
                return new BackendUnavailableException(endpoint + " is not serving now: " + message, error);
            }
            if (code.equals("NOAUTH") || code.equals("WRONGPASS") || code.equals("NOPERM")) {
                return new LockException(endpoint + " refused the credentials or permissions: " + message, error);
            }
            return new LockException(endpoint + " rejected a lock command: " + message, error);
        }
        if (error instanceof RedisConnectionException
                || error instanceof RedisException
                || error instanceof java.io.IOException) {
            return new BackendUnavailableException(endpoint + " unreachable: " + rootReason(error), error);
        }
        return new LockException(endpoint + ": unexpected failure: " + error, error);
    }

    /** {@code failure} as a stage's failure, so that a dependent stage can rethrow it unchanged. */
    static CompletionException asCompletion(Throwable failure) {
        return failure instanceof CompletionException completion ? completion : new CompletionException(failure);
    }

    /** The innermost message, without the socket call and address Netty adds around it. */
    private static String rootReason(Throwable error) {
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message =
                root.getMessage() != null ? root.getMessage() : root.getClass().getSimpleName();
        int address = message.indexOf(": /");
        String reason = address > 0 ? message.substring(0, address) : message;
        return reason.replaceFirst("^\\w+\\(\\.\\.\\) failed: ", "");
    }
}
