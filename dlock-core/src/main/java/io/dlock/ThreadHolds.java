package io.dlock;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The {@link java.util.concurrent.locks.Lock} view's holds of one client, per thread: which locks
 * the calling thread holds and how often it entered each. Kept in a thread-local map, so a
 * thread that ends takes its table with it and nothing here keeps it reachable; the lease of a
 * thread that ended holding a lock is released by the watchdog ({@link DefaultLease#heldBy}).
 * Every method acts on the calling thread's holds only.
 */
final class ThreadHolds {

    private final ThreadLocal<Map<String, ThreadHold>> perThread = new ThreadLocal<>();

    /** The calling thread's hold of {@code name}, if it holds it. */
    Optional<ThreadHold> get(String name) {
        Map<String, ThreadHold> holds = perThread.get();
        return holds == null ? Optional.empty() : Optional.ofNullable(holds.get(name));
    }

    /** Records that the calling thread entered {@code name} for the first time with {@code lease}. */
    void enter(String name, DefaultLease lease) {
        Map<String, ThreadHold> holds = perThread.get();
        if (holds == null) {
            holds = new HashMap<>();
            perThread.set(holds);
        }
        holds.put(name, new ThreadHold(lease));
        lease.heldBy(Thread.currentThread());
    }

    /** Forgets the calling thread's hold of {@code name}; the table goes when it is empty. */
    void leave(String name) {
        Map<String, ThreadHold> holds = perThread.get();
        if (holds != null && holds.remove(name) != null && holds.isEmpty()) {
            perThread.remove();
        }
    }
}
