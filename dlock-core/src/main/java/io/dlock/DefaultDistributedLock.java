package io.dlock;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;

/**
 * The lock handle: leases straight from the engine, and the thread-owned {@link
 * java.util.concurrent.locks.Lock} view, reentrant per thread through the client's hold table.
 */
final class DefaultDistributedLock implements DistributedLock {

    private final LockClient client;
    private final Engine engine;
    private final String name;
    private final ThreadHolds holds;

    DefaultDistributedLock(LockClient client, Engine engine, String name, ThreadHolds holds) {
        this.client = client;
        this.engine = engine;
        this.name = Limits.checkName(name);
        this.holds = holds;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Lease acquire() throws InterruptedException {
        checkInterrupt();
        return await(start(Wait.forever(), LeaseTerms.renewed()));
    }

    @Override
    public Lease acquire(Duration wait) throws InterruptedException {
        Duration checkedWait = Limits.checkWait(wait);
        checkInterrupt();
        return await(start(Wait.upTo(checkedWait), LeaseTerms.renewed()));
    }

    @Override
    public Lease acquire(Duration wait, Duration lease) throws InterruptedException {
        Duration checkedWait = Limits.checkWait(wait);
        Duration checkedLease = Limits.checkLease(lease);
        checkInterrupt();
        return await(start(Wait.upTo(checkedWait), LeaseTerms.fixed(checkedLease)));
    }

    @Override
    public Optional<Lease> tryAcquire(Duration wait) throws InterruptedException {
        return orEmpty(() -> acquire(wait));
    }

    @Override
    public Optional<Lease> tryAcquire(Duration wait, Duration lease) throws InterruptedException {
        return orEmpty(() -> acquire(wait, lease));
    }

    @Override
    public CompletableFuture<Lease> acquireAsync(Duration wait) {
        return handOver(start(Wait.upTo(Limits.checkWait(wait)), LeaseTerms.renewed()));
    }

    @Override
    public CompletableFuture<Lease> acquireAsync(Duration wait, Duration lease) {
        return handOver(start(Wait.upTo(Limits.checkWait(wait)), LeaseTerms.fixed(Limits.checkLease(lease))));
    }

    @Override
    public void lock() {
        lockUninterruptibly(LeaseTerms.renewed());
    }

    @Override
    public void lock(Duration lease) {
        lockUninterruptibly(LeaseTerms.fixed(Limits.checkLease(lease)));
    }

    @Override
    public void lockInterruptibly() throws InterruptedException {
        checkInterrupt();
        if (!reenter()) {
            enter(await(start(Wait.forever(), LeaseTerms.renewed())));
        }
    }

    @Override
    public boolean tryLock() {
        if (reenter()) {
            return true;
        }
        try {
            enter(awaitUninterruptibly(start(Wait.upTo(Duration.ZERO), LeaseTerms.renewed())));
            return true;
        } catch (LockTimeoutException taken) {
            return false;
        }
    }

    @Override
    public boolean tryLock(long time, TimeUnit unit) throws InterruptedException {
        Duration wait = Duration.ofNanos(unit.toNanos(Math.max(0, time)));
        // Lock's contract allows any time; a wait beyond the longest one accepted means no limit.
        return tryLockChecked(
                wait.compareTo(Limits.MAX_DURATION) > 0 ? Wait.forever() : Wait.upTo(wait), LeaseTerms.renewed());
    }

    @Override
    public boolean tryLock(Duration wait, Duration lease) throws InterruptedException {
        return tryLockChecked(Wait.upTo(Limits.checkWait(wait)), LeaseTerms.fixed(Limits.checkLease(lease)));
    }

    @Override
    public void unlock() {
        ThreadHold hold = holds.get(name)
                .orElseThrow(() -> new IllegalMonitorStateException("lock '" + name + "' is not held by thread "
                        + Thread.currentThread().getName()));
        if (--hold.count > 0) {
            return;
        }
        holds.leave(name);
        hold.lease.close();
    }

    @Override
    public boolean isHeldByCurrentThread() {
        return holds.get(name).isPresent();
    }

    @Override
    public Optional<Lease> currentLease() {
        return holds.get(name).map(hold -> hold.lease);
    }

    @Override
    public Condition newCondition() {
        throw new UnsupportedOperationException("a distributed lock has no conditions");
    }

    @Override
    public String toString() {
        return "DistributedLock[" + name + "]";
    }

    private void lockUninterruptibly(LeaseTerms terms) {
        if (!reenter()) {
            enter(awaitUninterruptibly(start(Wait.forever(), terms)));
        }
    }

    private boolean tryLockChecked(Wait wait, LeaseTerms terms) throws InterruptedException {
        checkInterrupt();
        if (reenter()) {
            return true;
        }
        return enterIfPresent(orEmpty(() -> await(start(wait, terms))));
    }

    private CompletableFuture<DefaultLease> start(Wait wait, LeaseTerms terms) {
        client.checkOpen();
        return engine.acquire(name, wait, terms);
    }

    /**
     * Enters again if the calling thread holds the lock.
     *
     * @throws LeaseLostException if the thread's lease was lost or ran out: it no longer holds
     *     the lock, although it must still unlock its earlier holds
     */
    private boolean reenter() {
        ThreadHold hold = holds.get(name).orElse(null);
        if (hold == null) {
            return false;
        }
        if (!hold.lease.isValid()) {
            throw new LeaseLostException("lock '" + name + "' cannot be entered again: the lease of this thread's"
                    + " hold (fencing token " + hold.lease.fencingToken() + ") has ended; unlock it and lock anew");
        }
        hold.count++;
        return true;
    }

    private static void checkInterrupt() throws InterruptedException {
        if (Thread.interrupted()) {
            throw new InterruptedException("interrupted before acquiring the lock");
        }
    }

    private void enter(Lease lease) {
        holds.enter(name, (DefaultLease) lease);
    }

    private boolean enterIfPresent(Optional<Lease> lease) {
        lease.ifPresent(this::enter);
        return lease.isPresent();
    }

    /**
     * Waits for the acquisition; an interrupt cancels it, which releases anything it took, also
     * a lease granted at the moment of the interrupt.
     */
    private Lease await(CompletableFuture<DefaultLease> acquisition) throws InterruptedException {
        try {
            return acquisition.get();
        } catch (InterruptedException e) {
            if (!acquisition.cancel(false)) {
                acquisition.thenAccept(granted -> granted.startRelease().exceptionally(error -> null));
            }
            throw e;
        } catch (ExecutionException e) {
            throw Failures.rethrow(e);
        } catch (CancellationException e) {
            throw closedWhileWaiting();
        }
    }

    /** Waits for the acquisition, keeping but ignoring interrupts as {@link #lock()} must. */
    private Lease awaitUninterruptibly(CompletableFuture<DefaultLease> acquisition) {
        try {
            return acquisition.join();
        } catch (CompletionException e) {
            throw Failures.rethrow(e);
        } catch (CancellationException e) {
            throw closedWhileWaiting();
        }
    }

    /** Only closing the client cancels an acquisition another thread waits for. */
    private IllegalStateException closedWhileWaiting() {
        return new IllegalStateException(
                "LockClient " + client.id() + " was closed while acquiring lock '" + name + "'");
    }

    private CompletableFuture<Lease> handOver(CompletableFuture<DefaultLease> acquisition) {
        CompletableFuture<Lease> handedOut = new CompletableFuture<>();
        handedOut.whenComplete((lease, error) -> {
            if (error instanceof CancellationException) {
                acquisition.cancel(false);
            }
        });
        acquisition.whenCompleteAsync(
                (lease, error) -> {
                    if (error != null) {
                        handedOut.completeExceptionally(Failures.unwrap(error));
                    } else if (!handedOut.complete(lease)) {
                        lease.startRelease().exceptionally(e -> null);
                    }
                },
                engine.callbackExecutor());
        return handedOut;
    }

    private static Optional<Lease> orEmpty(LeaseCall call) throws InterruptedException {
        try {
            return Optional.of(call.get());
        } catch (LockTimeoutException timedOut) {
            return Optional.empty();
        }
    }

    /** An acquisition that may be interrupted. */
    @FunctionalInterface
    private interface LeaseCall {
        Lease get() throws InterruptedException;
    }
}
