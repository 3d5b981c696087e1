package io.dlock.zookeeper;

import io.dlock.spi.Acquisition;
import io.dlock.spi.LockBackend;
import io.dlock.spi.LockRequest;
import io.dlock.testkit.ForwardingLockBackend;
import java.util.concurrent.atomic.AtomicInteger;

/** A backend that counts the change notifications (watch events) its waiters receive. */
final class CountingBackend extends ForwardingLockBackend {

    private final AtomicInteger wakeUps;

    CountingBackend(LockBackend delegate, AtomicInteger wakeUps) {
        super(delegate);
        this.wakeUps = wakeUps;
    }

    @Override
    public Acquisition acquisition(LockRequest request, Runnable onChange) {
        return delegate.acquisition(request, () -> {
            wakeUps.incrementAndGet();
            onChange.run();
        });
    }
}
