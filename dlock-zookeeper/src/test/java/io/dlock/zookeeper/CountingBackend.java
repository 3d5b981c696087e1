package io.dlock.zookeeper;

import io.dlock.LockState;
import io.dlock.spi.Acquisition;
import io.dlock.spi.BackendCapabilities;
import io.dlock.spi.LockBackend;
import io.dlock.spi.LockRequest;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;

/** A backend that counts the change notifications (watch events) its waiters receive. */
final class CountingBackend implements LockBackend {

    private final LockBackend delegate;
    private final AtomicInteger wakeUps;

    CountingBackend(LockBackend delegate, AtomicInteger wakeUps) {
        this.delegate = delegate;
        this.wakeUps = wakeUps;
    }

    @Override
    public Acquisition acquisition(LockRequest request, Runnable onChange) {
        return delegate.acquisition(request, () -> {
            wakeUps.incrementAndGet();
            onChange.run();
        });
    }

    @Override
    public CompletionStage<List<Boolean>> renew(List<LockRequest> held) {
        return delegate.renew(held);
    }

    @Override
    public CompletionStage<Boolean> release(LockRequest held) {
        return delegate.release(held);
    }

    @Override
    public CompletionStage<LockState> inspect(String name) {
        return delegate.inspect(name);
    }

    @Override
    public BackendCapabilities capabilities() {
        return delegate.capabilities();
    }

    @Override
    public void close() {
        delegate.close();
    }
}
