package io.dlock;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Lines up the waiting acquisitions of one client for the same lock name, so that only the
 * first waits on the backend while the others wait in memory.
 *
 * <p>Without it, every thread of a client contending for one lock would retry against the
 * server on every release, and on Redlock their rounds would split the vote among themselves.
 * With it, a release costs one attempt per waiting client, and waiters of one client get the
 * lock in arrival order. Only for backends without a fair queue of their own; an attempt that
 * does not wait (a wait of zero) does not queue.
 */
final class LocalWaitQueues {

    private final ReentrantLock lock = new ReentrantLock();
    private final Map<String, ArrayDeque<AcquireOperation>> queues = new HashMap<>();

    /** Adds {@code operation} at the end of its name's line; true if it is first and may attempt now. */
    boolean join(AcquireOperation operation) {
        lock.lock();
        try {
            // Sized for one: most lines never hold more than the operation that waits on the backend.
            ArrayDeque<AcquireOperation> queue = queues.computeIfAbsent(operation.name(), n -> new ArrayDeque<>(1));
            queue.addLast(operation);
            return queue.size() == 1;
        } finally {
            lock.unlock();
        }
    }

    /** Removes {@code operation}; if it was first, returns the one that is first now. */
    Optional<AcquireOperation> leave(AcquireOperation operation) {
        lock.lock();
        try {
            ArrayDeque<AcquireOperation> queue = queues.get(operation.name());
            if (queue == null) {
                return Optional.empty();
            }
            boolean wasFirst = queue.peekFirst() == operation;
            queue.remove(operation);
            if (queue.isEmpty()) {
                queues.remove(operation.name());
                return Optional.empty();
            }
            return wasFirst ? Optional.of(queue.peekFirst()) : Optional.empty();
        } finally {
            lock.unlock();
        }
    }

    /** The acquisition of {@code name} that waits on the backend now, if any. */
    Optional<AcquireOperation> first(String name) {
        lock.lock();
        try {
            ArrayDeque<AcquireOperation> queue = queues.get(name);
            return queue == null ? Optional.empty() : Optional.ofNullable(queue.peekFirst());
        } finally {
            lock.unlock();
        }
    }
}
