package io.dlock.bench;

/**
 * One way of taking and giving back a lock, behind which every benchmarked implementation (dlock
 * backends, other libraries, bare-client floors) sits, so all run the same scenarios.
 */
interface LockDriver extends AutoCloseable {

    /** Acquires {@code name} without waiting and releases it; fails if the lock was taken. */
    void acquireRelease(String name) throws Exception;

    @Override
    void close();
}
