package io.dlock.zookeeper;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletionStage;

/**
 * The simple-mode holder node that an abandoned acquisition of {@code owner} may have created
 * without learning it (the reply to its creation was lost). Only the owner id in the node's
 * content tells: owner ids are unique per acquisition, so a holder node holding it is this
 * acquisition's, in whatever session it was created, and nobody holds the lock through it.
 *
 * @param paths the lock's paths
 * @param owner the abandoned acquisition's owner id
 */
record AbandonedHolder(LockPaths paths, String owner) implements Leftover {

    @Override
    public String lockName() {
        return paths.name();
    }

    @Override
    public CompletionStage<Boolean> delete(ZooKeeperCalls calls, long currentSession) {
        return NodeRemoval.deleteHolderOf(calls, paths, owner.getBytes(StandardCharsets.UTF_8));
    }
}
