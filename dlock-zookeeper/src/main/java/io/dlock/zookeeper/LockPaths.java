package io.dlock.zookeeper;

import org.apache.curator.utils.ZKPaths;

/**
 * Where one lock lives, relative to the client's root (a Curator namespace): a container node
 * named by {@link LockNames#encode(String)}, holding the fair queue's ephemeral-sequential
 * nodes ({@code _c_<protection id>-q-0000000042}) or the simple mode's single
 * ephemeral node {@value #HOLDER}. The container is deleted by the servers once it is empty.
 *
 * @param name the lock name
 * @param container the container's path
 */
record LockPaths(String name, String container) {

    /** The node name of a simple-mode holder. */
    static final String HOLDER = "holder";

    /** The name given to each queue node before the protection prefix and the sequence number. */
    static final String QUEUE_NODE = "q-";

    /** The paths of lock {@code name}. */
    static LockPaths of(String name) {
        return new LockPaths(name, ZKPaths.makePath("/", LockNames.encode(name)));
    }

    /** The path of child {@code node} of the container. */
    String child(String node) {
        return ZKPaths.makePath(container, node);
    }

    /** The path of the simple-mode holder node. */
    String holder() {
        return child(HOLDER);
    }

    /**
     * The path prefix a new queue node is created with: its acquisition's protection id, then
     * {@value #QUEUE_NODE} (the servers append the sequence number).
     */
    String queueNodePrefix(String protectionId) {
        return child(protectionId + QUEUE_NODE);
    }
}
