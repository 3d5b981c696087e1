package io.dlock.zookeeper;

import java.util.concurrent.CompletionStage;

/**
 * A node this client may have left in a lock's container that nobody believes held: the node of
 * a lock reported lost while its session lived on, or a simple-mode holder node that an abandoned
 * attempt may have created with a lost reply. The {@link SessionGuard} deletes it once connected,
 * so that it does not block the lock for the rest of the session.
 */
sealed interface Leftover permits Hold, AbandonedHolder {

    /** The lock's name, for logs. */
    String lockName();

    /**
     * Deletes the node if it is still this client's, in the client's current session
     * {@code currentSession}.
     *
     * @return a stage with true if a node was deleted, false if there was nothing of this
     *     client's to delete; it fails when the servers cannot be reached, and may then be tried
     *     again
     */
    CompletionStage<Boolean> delete(ZooKeeperCalls calls, long currentSession);
}
