package io.dlock;

/**
 * One thread's hold on one lock through the {@link java.util.concurrent.locks.Lock} view: the
 * lease and how many times the thread entered. Touched only by the owning thread.
 */
final class ThreadHold {

    final Lease lease;
    int count = 1;

    ThreadHold(Lease lease) {
        this.lease = lease;
    }

    /** Identifies a hold: a lock name and the thread that holds it. */
    record Key(String name, Thread thread) {}
}
