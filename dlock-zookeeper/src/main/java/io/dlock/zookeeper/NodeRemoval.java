package io.dlock.zookeeper;

import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Deletes the node that holds a lock, and only that node: the owner check of release.
 *
 * <p>A protected queue node's path is never reused, so it is deleted by path, with Curator's
 * guarantee to retry after a failure. The simple mode's holder node is shared by all holders
 * over time, so it is deleted only if its creation zxid and session are still those of the
 * hold, by version; it is never retried blindly. A holder node an abandoned attempt may have
 * created is recognised by its content, the attempt's owner id.
 */
final class NodeRemoval {

    private NodeRemoval() {}

    /**
     * Deletes the node of {@code hold} if it still exists in the session {@code currentSession}.
     *
     * @return a stage with true if the node was there and is now deleted
     */
    static CompletionStage<Boolean> deleteIfStillHeld(ZooKeeperCalls calls, Hold hold, long currentSession) {
        if (hold.sessionId() != currentSession) {
            return CompletableFuture.completedFuture(false); // the node ended with its session
        }
        if (hold.uniquePath()) {
            return calls.delete(hold.path(), -1, true);
        }
        return calls.exists(hold.path(), Optional.empty()).thenCompose(stat -> {
            if (stat.isEmpty()
                    || stat.get().getCzxid() != hold.token()
                    || stat.get().getEphemeralOwner() != hold.sessionId()) {
                return CompletableFuture.completedFuture(false);
            }
            return calls.delete(hold.path(), stat.get().getVersion(), false);
        });
    }

    /**
     * Deletes the simple-mode holder node of {@code paths} if it holds {@code owner}, by version,
     * so that a node another owner created meanwhile is left alone.
     *
     * @return a stage with true if the node held {@code owner} and is now deleted
     */
    static CompletionStage<Boolean> deleteHolderOf(ZooKeeperCalls calls, LockPaths paths, byte[] owner) {
        return calls.data(paths.holder(), Optional.empty()).thenCompose(holder -> {
            if (holder.isEmpty() || !Arrays.equals(holder.get().data(), owner)) {
                return CompletableFuture.completedFuture(false);
            }
            return calls.delete(paths.holder(), holder.get().stat().getVersion(), false);
        });
    }
}
