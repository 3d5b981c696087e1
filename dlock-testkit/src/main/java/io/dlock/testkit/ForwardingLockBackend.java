package io.dlock.testkit;

import io.dlock.Health;
import io.dlock.LockState;
import io.dlock.spi.Acquisition;
import io.dlock.spi.BackendCapabilities;
import io.dlock.spi.LockBackend;
import io.dlock.spi.LockRequest;
import io.dlock.spi.Renewal;
import io.dlock.spi.RenewingBackend;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * A backend that passes every call to another: the base of test decorators that count,
 * delay or deliberately break one operation and leave the rest alone. It renews where its
 * delegate does.
 */
public abstract class ForwardingLockBackend implements RenewingBackend {

    /** The backend every call goes to unless a subclass overrides it. */
    protected final LockBackend delegate;

    /** Forwards to {@code delegate}. */
    protected ForwardingLockBackend(LockBackend delegate) {
        this.delegate = delegate;
    }

    @Override
    public Acquisition acquisition(LockRequest request, Runnable onChange) {
        return delegate.acquisition(request, onChange);
    }

    /**
     * Renews through the delegate.
     *
     * @throws UnsupportedOperationException if the delegate does not renew (the engine never
     *     asks then: such a backend's capabilities say its server does not expire leases)
     */
    @Override
    public CompletionStage<List<Renewal>> renew(List<LockRequest> held) {
        if (delegate instanceof RenewingBackend renewing) {
            return renewing.renew(held);
        }
        throw new UnsupportedOperationException(delegate + " does not renew");
    }

    @Override
    public CompletionStage<LockState> inspect(String name) {
        return delegate.inspect(name);
    }

    @Override
    public CompletionStage<Health> health() {
        return delegate.health();
    }

    @Override
    public String kind() {
        return delegate.kind();
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
