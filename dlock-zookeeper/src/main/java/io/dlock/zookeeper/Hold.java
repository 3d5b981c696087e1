package io.dlock.zookeeper;

/**
 * A lock this client holds: the node that holds it and the session that node lives in.
 *
 * @param paths the lock's paths
 * @param owner the owner id the grant was for
 * @param node the holding node's name within the lock's container
 * @param token the fencing token: the node's creation zxid
 * @param sessionId the session the node is ephemeral to
 */
record Hold(LockPaths paths, String owner, String node, long token, long sessionId) {

    /** The lock's name, for messages. */
    String lockName() {
        return paths.name();
    }

    /** The holding node's path. */
    String path() {
        return paths.child(node);
    }

    /**
     * Returns true when no other node can ever have this path: a protected queue node. The
     * simple mode's holder node is shared by every holder of the lock over time.
     */
    boolean uniquePath() {
        return !node.equals(LockPaths.HOLDER);
    }
}
