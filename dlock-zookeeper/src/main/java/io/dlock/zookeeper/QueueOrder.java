package io.dlock.zookeeper;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * One reading of a lock's container: its queue nodes in sequence order, and whether a
 * simple-mode holder node is present. The holder node, when present, holds the lock ahead of
 * the whole queue, so that clients of the same lock in different modes still exclude each other.
 *
 * <h2>Sequence numbers wrap</h2>
 * <p>ZooKeeper names a sequential node after its parent's child-version counter, a signed 32-bit
 * int formatted {@code %010d} that grows with every creation and deletion of a child: after
 * 2<sup>31</sup> changes it wraps to {@code -2147483648}, and names read {@code q--2147483648},
 * {@code q--0000000001} (see "Sequence Nodes" in the ZooKeeper Programmer's Guide). A lock's
 * container restarts the counter only when it is reaped empty, so a lock that is never idle does
 * get there (a thousand hand-overs a second take about twelve days). The queue is therefore
 * ordered as a circle: the nodes present at one time were created within a span far shorter than
 * half the counter's range, so the oldest is the one right after the widest gap between
 * neighbouring numbers (serial-number arithmetic, as in RFC 1982).
 */
final class QueueOrder {

    private final List<String> queue;
    private final boolean holderNode;

    private QueueOrder(List<String> queue, boolean holderNode) {
        this.queue = queue;
        this.holderNode = holderNode;
    }

    /** Orders the children of a container; other nodes (none are expected) are ignored. */
    static QueueOrder of(List<String> children) {
        List<Entry> entries = new ArrayList<>();
        boolean holder = false;
        for (String child : children) {
            if (child.equals(LockPaths.HOLDER)) {
                holder = true;
            } else {
                sequence(child).ifPresent(sequence -> entries.add(new Entry(child, sequence)));
            }
        }
        entries.sort(Comparator.comparingInt(Entry::sequence));
        int oldest = afterWidestGap(entries);
        List<String> queue = new ArrayList<>(entries.size());
        for (int i = 0; i < entries.size(); i++) {
            queue.add(entries.get((oldest + i) % entries.size()).node());
        }
        return new QueueOrder(queue, holder);
    }

    /** The queue nodes, first (oldest) first. */
    List<String> queue() {
        return queue;
    }

    /** Returns true when {@code node} is in the queue. */
    boolean contains(String node) {
        return queue.contains(node);
    }

    /**
     * The node the owner of queue node {@code node} must wait for: for the first queue node the
     * simple holder when present, for any other the node just before it (so that a simple
     * holder's release wakes one fair waiter, not all); empty when {@code node} holds the lock.
     */
    Optional<String> blockerOf(String node) {
        int index = queue.indexOf(node);
        if (index > 0) {
            return Optional.of(queue.get(index - 1));
        }
        return holderNode ? Optional.of(LockPaths.HOLDER) : Optional.empty();
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

    /**
     * The sequence number of a queue node, {@code …q-} followed by ZooKeeper's {@code %010d} of
     * a signed int: ten digits, or a minus sign and nine or ten digits; empty for any other name.
     */
    static Optional<Integer> sequence(String child) {
        int prefix = child.lastIndexOf(LockPaths.QUEUE_NODE);
        if (prefix < 0) {
            return Optional.empty();
        }
        String number = child.substring(prefix + LockPaths.QUEUE_NODE.length());
        boolean negative = number.startsWith("-");
        int digits = number.length() - (negative ? 1 : 0);
        if (digits != 10 && !(negative && digits == 9)) {
            return Optional.empty();
        }
        for (int i = negative ? 1 : 0; i < number.length(); i++) {
            char c = number.charAt(i);
            if (c < '0' || c > '9') {
                return Optional.empty();
            }
        }
        long value = Long.parseLong(number);
        if (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE) {
            return Optional.empty();
        }
        return Optional.of((int) value);
    }

    /**
     * The index, in {@code sorted} (ascending signed order), of the entry right after the widest
     * gap between circular neighbours: the oldest node, also when the counter wrapped in between.
     */
    private static int afterWidestGap(List<Entry> sorted) {
        int oldest = 0;
        long widest = -1;
        for (int i = 0; i < sorted.size(); i++) {
            long previous = sorted.get((i + sorted.size() - 1) % sorted.size()).sequence();
            long gap = Math.floorMod(sorted.get(i).sequence() - previous, 1L << 32);
            if (gap == 0) {
                gap = 1L << 32; // a single node: the whole circle
            }
            if (gap > widest) {
                widest = gap;
                oldest = i;
            }
        }
        return oldest;
    }

    /** A queue node and its sequence number. */
    private record Entry(String node, int sequence) {}
}
