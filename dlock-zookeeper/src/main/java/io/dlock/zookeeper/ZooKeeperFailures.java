package io.dlock.zookeeper;

import io.dlock.BackendUnavailableException;
import io.dlock.LockException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.apache.zookeeper.KeeperException;

/**
 * Turns ZooKeeper result codes and Curator failures into dlock's exceptions, naming the
 * ensemble and the reason: transient ones (connection loss, session expiry, timeouts, no
 * quorum) become {@link BackendUnavailableException}, which the engine retries; refused
 * credentials and everything else are {@link LockException}s that fail at once.
 */
final class ZooKeeperFailures {

    private ZooKeeperFailures() {}

    /** The exception for result code {@code code} of an operation on {@code path}. */
    static LockException of(KeeperException.Code code, String path, ZooKeeperEndpoint endpoint) {
        String where = endpoint + " (node " + path + ")";
        return switch (code) {
            case CONNECTIONLOSS,
                    SESSIONEXPIRED,
                    OPERATIONTIMEOUT,
                    SESSIONMOVED,
                    NEWCONFIGNOQUORUM,
                    RECONFIGINPROGRESS,
                    THROTTLEDOP,
                    REQUESTTIMEOUT ->
                new BackendUnavailableException(
                        "ZooKeeper " + where + " is not reachable now: " + describe(code),
                        KeeperException.create(code, path));
            case NOAUTH, AUTHFAILED, INVALIDACL ->
                new LockException(
                        "ZooKeeper " + where + " refused the operation: " + describe(code)
                                + "; every client of a lock needs the credentials its nodes were created with",
                        KeeperException.create(code, path));
            default ->
                new LockException(
                        "ZooKeeper " + where + " failed: " + describe(code), KeeperException.create(code, path));
        };
    }

    /** The exception for a failure thrown by Curator before or instead of a result code. */
    static LockException of(Throwable failure, ZooKeeperEndpoint endpoint) {
        Throwable error = failure;
        while ((error instanceof CompletionException || error instanceof ExecutionException)
                && error.getCause() != null) {
            error = error.getCause();
        }
        if (error instanceof LockException lockException) {
            return lockException;
        }
        if (error instanceof KeeperException keeper) {
            return of(keeper.code(), String.valueOf(keeper.getPath()), endpoint);
        }
        if (error instanceof IllegalStateException) {
            return new LockException("ZooKeeper client of " + endpoint + " is closed", error);
        }
        return new BackendUnavailableException("ZooKeeper " + endpoint + ": " + error, error);
    }

    private static String describe(KeeperException.Code code) {
        return code.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
    }
}
