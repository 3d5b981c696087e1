package io.dlock.torture;

import io.dlock.spi.Acquisition;
import io.dlock.spi.AttemptResult;
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
 * lock the retry takes away. Works where passing for another owner id takes its grant (Redis).
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
    public Acquisition acquisition(LockRequest request, Runnable onChange) {
        Acquisition own = delegate.acquisition(request, onChange);
        return new Acquisition() {
            @Override
            public CompletionStage<AttemptResult> attempt() {
                return own.attempt();
            }

            @Override
            public CompletionStage<Boolean> watch() {
                return own.watch();
            }

            @Override
            public CompletionStage<Boolean> release() {
                own.release();
                retries.schedule(() -> releaseWhoeverHolds(request), RETRY_AFTER.toNanos(), TimeUnit.NANOSECONDS);
                return releaseWhoeverHolds(request).thenApply(released -> true);
            }
        };
    }

    /**
     * Finds the holder and releases its grant by passing for it: an acquisition under the
     * holder's owner id is granted what the holder has (Redis renews a grant its owner asks for
     * again), and then released.
     */
    private CompletableFuture<Boolean> releaseWhoeverHolds(LockRequest request) {
        return delegate.inspect(request.name())
                .thenCompose(state -> state.holder()
                        .map(holder -> {
                            Acquisition posing = delegate.acquisition(
                                    LockRequest.mutex(request.name(), holder.owner(), request.lease()), () -> {});
                            return posing.attempt().thenCompose(passed -> posing.release());
                        })
                        .orElseGet(() -> CompletableFuture.completedFuture(false)))
                .toCompletableFuture();
    }

    @Override
    public void close() {
        retries.shutdownNow();
        delegate.close();
    }
}
