package io.dlock.torture;

import io.dlock.spi.LockBackend;
import io.dlock.spi.LockRequest;
import io.dlock.spi.Renewal;
import io.dlock.testkit.ForwardingLockBackend;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Negative control: a backend whose renewal reports success without reaching the server, so a
 * lease runs out on the server while its holder believes it valid. The checker must flag the
 * overlaps this causes.
 */
final class UnrenewedLeaseBackend extends ForwardingLockBackend {

    UnrenewedLeaseBackend(LockBackend delegate) {
        super(delegate);
    }

    @Override
    public CompletionStage<List<Renewal>> renew(List<LockRequest> held) {
        return CompletableFuture.completedFuture(Collections.nCopies(held.size(), Renewal.RENEWED));
    }
}
