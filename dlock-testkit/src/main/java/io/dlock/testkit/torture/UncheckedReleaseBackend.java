package io.dlock.testkit.torture;

import io.dlock.spi.LockBackend;
import io.dlock.spi.LockRequest;
import io.dlock.testkit.ForwardingLockBackend;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Negative control: a release without owner check. It releases whoever holds the lock (found
 * by inspecting it), and sends the release once more shortly after, as a client does that
 * retries a release whose reply it did not see; by then the lock often has a new holder, whose
 * lock the retry takes away. Works where a backend's release accepts any owner id (Redis).
 */
final class UncheckedReleaseBackend extends ForwardingLockBackend {

    private static final Duration RETRY_AFTER = Duration.ofMillis(15);

    private final ScheduledExecutorService retries = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, "torture-release-retry");
        thread.setDaemon(true);
        return thread;
    });

    UncheckedReleaseBackend(LockBackend delegate) {
        super(delegate);
    }

    @Override
    public CompletionStage<Boolean> release(LockRequest held) {
        retries.schedule(() -> releaseWhoeverHolds(held), RETRY_AFTER.toNanos(), TimeUnit.NANOSECONDS);
        return releaseWhoeverHolds(held).thenApply(released -> true);
    }

    private CompletableFuture<Boolean> releaseWhoeverHolds(LockRequest held) {
        return delegate.inspect(held.name()).thenCompose(state -> state.holder()
                .map(holder -> delegate.release(new LockRequest(held.name(), holder.owner(), held.lease())))
                .orElseGet(() -> CompletableFuture.completedFuture(false))).toCompletableFuture();
    }

    @Override
    public void close() {
        retries.shutdownNow();
        delegate.close();
    }
}
