package io.dlock.testkit.torture;

import io.dlock.LockState;
import io.dlock.spi.Acquisition;
import io.dlock.spi.BackendCapabilities;
import io.dlock.spi.LockBackend;
import io.dlock.spi.LockRequest;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Negative control: a backend whose renewal reports success without reaching the server, so a
 * lease runs out on the server while its holder believes it valid. The checker must flag the
 * overlaps this causes.
 */
final class UnrenewedLeaseBackend implements LockBackend {

    private final LockBackend delegate;

    UnrenewedLeaseBackend(LockBackend delegate) {
        this.delegate = delegate;
    }

    @Override
    public Acquisition acquisition(LockRequest request, Runnable onChange) {
        return delegate.acquisition(request, onChange);
    }

    @Override
    public CompletionStage<List<Boolean>> renew(List<LockRequest> held) {
        return CompletableFuture.completedFuture(Collections.nCopies(held.size(), true));
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
