package io.dlock.zookeeper;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * One reading of a lock's container: its queue nodes in sequence order, and whether a
 * simple-mode holder node is present. The holder node, when present, blocks the whole queue,
 * so that clients of the same lock in different modes still exclude each other.
 */
final class QueueOrder {

    private static final int SEQUENCE_DIGITS = 10;

    private final List<String> queue;
    private final boolean holderNode;

    private QueueOrder(List<String> queue, boolean holderNode) {
        this.queue = queue;
        this.holderNode = holderNode;
    }

    /** Orders the children of a container; other nodes (none are expected) are ignored. */
    static QueueOrder of(List<String> children) {
        List<String> queue = new ArrayList<>();
        boolean holder = false;
        for (String child : children) {
            if (child.equals(LockPaths.HOLDER)) {
                holder = true;
            } else if (isQueueNode(child)) {
                queue.add(child);
            }
        }
        queue.sort(Comparator.comparingLong(QueueOrder::sequence));
        return new QueueOrder(queue, holder);
    }

    /** The queue nodes, first (oldest) first. */
    List<String> queue() {
        return queue;
    }

    /** Returns true when a simple-mode holder node is present. */
    boolean hasHolderNode() {
        return holderNode;
    }

    /** Returns true when {@code node} is in the queue. */
    boolean contains(String node) {
        return queue.contains(node);
    }

    /**
     * The node the owner of queue node {@code node} must wait for: the simple holder when
     * present, else the node just before it; empty when {@code node} holds the lock.
     */
    Optional<String> blockerOf(String node) {
        if (holderNode) {
            return Optional.of(LockPaths.HOLDER);
        }
        int index = queue.indexOf(node);
        return index > 0 ? Optional.of(queue.get(index - 1)) : Optional.empty();
    }

    /**
     * Returns true when {@code node} is the first queue node and no simple-mode holder node is
     * present: the node that holds, or is about to hold, the lock, with no other node ahead of
     * the one right after it.
     */
    boolean isHead(String node) {
        return !holderNode && !queue.isEmpty() && queue.get(0).equals(node);
    }

    /** The node that holds, or is about to hold, the lock: the simple holder, else the first in the queue. */
    Optional<String> holder() {
        if (holderNode) {
            return Optional.of(LockPaths.HOLDER);
        }
        return queue.isEmpty() ? Optional.empty() : Optional.of(queue.get(0));
    }

    /** How many queue nodes wait behind the holder. */
    int waiting() {
        return holderNode ? queue.size() : Math.max(0, queue.size() - 1);
    }

    private static boolean isQueueNode(String child) {
        int length = child.length();
        if (length < LockPaths.QUEUE_NODE.length() + SEQUENCE_DIGITS
                || !child.startsWith(LockPaths.QUEUE_NODE, length - SEQUENCE_DIGITS - LockPaths.QUEUE_NODE.length())) {
            return false;
        }
        for (int i = length - SEQUENCE_DIGITS; i < length; i++) {
            if (!Character.isDigit(child.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    private static long sequence(String node) {
        return Long.parseLong(node.substring(node.length() - SEQUENCE_DIGITS));
    }
}
