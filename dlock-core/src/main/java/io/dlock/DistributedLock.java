package io.dlock;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.Lock;

/**
 * A named lock shared by every process that uses the same backend and name, from
 * {@link LockClient#lock(String)}.
 *
 * <p>Two ways to hold it:
 * <ul>
 *   <li><b>Handle-owned leases</b> ({@link #acquire}, {@link #tryAcquire},
 *       {@link #acquireAsync}): each call that succeeds returns its own {@link Lease}, with a
 *       fencing token, released by {@link Lease#close()} from any thread. Not reentrant.
 *   <li><b>The {@link Lock} view</b> ({@link #lock()}, {@link #tryLock()}, {@link #unlock()}
 *       and the lease variants): owned by the calling thread and reentrant per thread within
 *       this client; {@link #currentLease()} gives the thread's lease and token. Entering again
 *       after the thread's lease was lost throws {@link LeaseLostException} instead of
 *       pretending to hold the lock. {@code tryLock(time, unit)} takes any time; beyond the
 *       longest wait (30 days) it waits without limit.
 * </ul>
 *
 * <p>Every method that may wait for the lock and declares {@link InterruptedException} throws
 * it, holding nothing, when the thread is interrupted on entry or while waiting; {@link
 * #lock()} keeps waiting and leaves the interrupt flag set. Closing the client while a thread
 * waits makes that thread's call throw {@link IllegalStateException}.
 *
 * <p>Unless a fixed lease is given, the client's watchdog renews the lease while it is held.
 * With a fixed lease the lock is not renewed and ends when the lease runs out. All waits use
 * the monotonic clock; a wait of zero makes exactly one attempt. Waiting wakes on the
 * backend's release notification, with a jittered timed retry as the fallback.
 *
 * <p>Handles are cheap, thread-safe and hold no state of their own beyond the name.
 */
public interface DistributedLock extends Lock {

    /** The lock name. */
    String name();

    /**
     * Waits without limit and returns a renewed lease.
     *
     * @throws InterruptedException if the thread is interrupted while waiting; nothing is held
     * @throws IllegalStateException if the client is closed
     */
    Lease acquire() throws InterruptedException;

    /**
     * Waits up to {@code wait} and returns a renewed lease.
     *
     * @throws LockTimeoutException if the lock was not acquired in time; nothing is held
     * @throws BackendUnavailableException if the backend was unreachable until the deadline
     * @throws InterruptedException if the thread is interrupted while waiting; nothing is held
     * @throws IllegalArgumentException if {@code wait} is negative or absurdly long
     */
    Lease acquire(Duration wait) throws InterruptedException;

    /**
     * Waits up to {@code wait} and returns a lease fixed to {@code lease}: not renewed, it ends
     * when the lease runs out.
     *
     * @throws LockTimeoutException if the lock was not acquired in time; nothing is held
     * @throws BackendUnavailableException if the backend was unreachable until the deadline
     * @throws InterruptedException if the thread is interrupted while waiting; nothing is held
     * @throws IllegalArgumentException if a duration is out of range
     */
    Lease acquire(Duration wait, Duration lease) throws InterruptedException;

    /**
     * Waits up to {@code wait} and returns a renewed lease, or empty if the lock stayed taken.
     *
     * @throws BackendUnavailableException if the backend was unreachable until the deadline
     * @throws InterruptedException if the thread is interrupted while waiting; nothing is held
     * @throws IllegalArgumentException if {@code wait} is negative or absurdly long
     */
    Optional<Lease> tryAcquire(Duration wait) throws InterruptedException;

    /**
     * Waits up to {@code wait} and returns a lease fixed to {@code lease}, or empty.
     *
     * @throws BackendUnavailableException if the backend was unreachable until the deadline
     * @throws InterruptedException if the thread is interrupted while waiting; nothing is held
     * @throws IllegalArgumentException if a duration is out of range
     */
    Optional<Lease> tryAcquire(Duration wait, Duration lease) throws InterruptedException;

    /**
     * Acquires without blocking the caller. Cancelling the future gives up the attempt and
     * releases anything it took.
     *
     * @return a future completing with a renewed lease, or exceptionally with
     *     {@link LockTimeoutException} or {@link BackendUnavailableException}
     * @throws IllegalArgumentException if {@code wait} is negative or absurdly long
     */
    CompletableFuture<Lease> acquireAsync(Duration wait);

    /**
     * Acquires a lease fixed to {@code lease} without blocking the caller.
     *
     * @return a future as for {@link #acquireAsync(Duration)}
     * @throws IllegalArgumentException if a duration is out of range
     */
    CompletableFuture<Lease> acquireAsync(Duration wait, Duration lease);

    /**
     * Locks for the calling thread like {@link #lock()}, with a fixed lease that is not renewed.
     * A reentrant call keeps the lease of the outermost one.
     *
     * @throws IllegalArgumentException if {@code lease} is out of range
     */
    void lock(Duration lease);

    /**
     * Tries to lock for the calling thread within {@code wait}, with a fixed lease.
     *
     * @return true if the thread holds the lock
     * @throws InterruptedException if interrupted while waiting; nothing is held
     * @throws IllegalArgumentException if a duration is out of range
     */
    boolean tryLock(Duration wait, Duration lease) throws InterruptedException;

    /**
     * Releases one hold of the calling thread; the last one releases the lock.
     *
     * @throws IllegalMonitorStateException if the calling thread does not hold the lock
     * @throws LeaseLostException if the lease had been lost before this final release; the
     *     thread no longer holds the lock either way
     */
    @Override
    void unlock();

    /** Returns true when the calling thread holds this lock through the {@link Lock} view. */
    boolean isHeldByCurrentThread();

    /** The lease the calling thread holds through the {@link Lock} view, with its token. */
    Optional<Lease> currentLease();

    /**
     * Not supported: a distributed lock has no condition variables.
     *
     * @throws UnsupportedOperationException always
     */
    @Override
    java.util.concurrent.locks.Condition newCondition();
}
