package io.dlock.bench;

/**
 * One way of taking and giving back a lock, behind which every benchmarked implementation (dlock
 * backends, other libraries, bare-client floors) sits, so all run the same scenarios.
 */
interface LockDriver extends AutoCloseable {

    /**
     * Acquires {@code name} and releases it at once.
     *
     * @param wait whether to wait while another thread holds it; without waiting, a taken lock
     *     is an error
     */
    void acquireRelease(String name, boolean wait) throws Exception;

    @Override
    void close();
}
