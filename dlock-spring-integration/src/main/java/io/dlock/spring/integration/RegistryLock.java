package io.dlock.spring.integration;

import io.dlock.Lease;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import org.springframework.integration.support.locks.DistributedLock;

/**
 * A dlock lock as Spring Integration's {@link DistributedLock}: dlock's thread-owned {@code Lock}
 * view, telling the registry which leases are fixed and until when they are held.
 */
final class RegistryLock implements DistributedLock {

    private final io.dlock.DistributedLock lock;
    private final DlockLockRegistry registry;

    RegistryLock(io.dlock.DistributedLock lock, DlockLockRegistry registry) {
        this.lock = lock;
        this.registry = registry;
    }

    @Override
    public void lock() {
        lock.lock();
    }

    @Override
    public void lock(Duration ttl) {
        boolean outermost = !lock.isHeldByCurrentThread();
        lock.lock(ttl);
        rememberIfFixed(outermost, ttl);
    }

    @Override
    public void lockInterruptibly() throws InterruptedException {
        lock.lockInterruptibly();
    }

    @Override
    public boolean tryLock() {
        return lock.tryLock();
    }

    @Override
    public boolean tryLock(long time, TimeUnit unit) throws InterruptedException {
        return lock.tryLock(time, unit);
    }

    @Override
    public boolean tryLock(Duration waitTime, Duration ttl) throws InterruptedException {
        boolean outermost = !lock.isHeldByCurrentThread();
        boolean locked = lock.tryLock(waitTime, ttl);
        if (locked) {
            rememberIfFixed(outermost, ttl);
        }
        return locked;
    }

    @Override
    public void unlock() {
        Optional<Lease> lease = lock.currentLease();
        try {
            lock.unlock();
        } finally {
            if (!lock.isHeldByCurrentThread()) {
                lease.ifPresent(registry::forget);
            }
        }
    }

    @Override
    public Condition newCondition() {
        throw new UnsupportedOperationException("a distributed lock has no conditions");
    }

    @Override
    public String toString() {
        return "DlockLockRegistry.lock[" + lock.name() + "]";
    }

    private void rememberIfFixed(boolean outermost, Duration ttl) {
        if (outermost) {
            lock.currentLease().ifPresent(lease -> registry.tookFixed(lease, ttl));
        }
    }
}
