package io.dlock;

/**
 * One thread's hold on one lock through the {@link java.util.concurrent.locks.Lock} view: the
 * lease and how many times the thread entered. Touched only by the owning thread.
 */
final class ThreadHold {

    final DefaultLease lease;
    int count = 1;

    ThreadHold(DefaultLease lease) {
        this.lease = lease;
    }
}
