package io.dlock.zookeeper;

/** How waiters are ordered: a fair FIFO queue of sequential nodes, or one ephemeral node raced for. */
enum LockMode {
    /**
     * Each waiter adds an ephemeral-sequential node; the lowest holds; each waiter watches only
     * its predecessor, so a release wakes one waiter and the lock goes in arrival order.
     */
    FAIR,
    /**
     * The holder owns one ephemeral node; waiters watch it and race to create it when it goes:
     * fewer nodes, no order, and a release wakes every waiter of the lock.
     */
    SIMPLE
}
