package io.dlock.zookeeper;

import io.dlock.spi.Acquisition;
import io.dlock.spi.AttemptResult;
import io.dlock.spi.LockBackend;
import io.dlock.spi.LockRequest;
import io.dlock.testkit.ForwardingLockBackend;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * A backend that lets a test see what the engine hears: each grant, as the attempt's reply comes
 * back and before the engine makes a lease of it, and the end of each acquisition or lease (its
 * release), with the completion of every release.
 */
final class ObservedBackend extends ForwardingLockBackend {

    private final BiConsumer<LockRequest, AttemptResult.Granted> onGrant;
    private final Consumer<LockRequest> onEnd;
    private final List<CompletionStage<Boolean>> releases = new CopyOnWriteArrayList<>();

    /**
     * Observes {@code delegate}: {@code onGrant} gets each granted request and its grant, on the
     * thread that completes the attempt; {@code onEnd} each request released (granted or not).
     */
    ObservedBackend(
            LockBackend delegate, BiConsumer<LockRequest, AttemptResult.Granted> onGrant, Consumer<LockRequest> onEnd) {
        super(delegate);
        this.onGrant = onGrant;
        this.onEnd = onEnd;
    }

    /** Observes {@code delegate}; {@code onGrant} runs on the thread that completes each granting attempt. */
    ObservedBackend(LockBackend delegate, Runnable onGrant) {
        this(delegate, (request, granted) -> onGrant.run(), request -> {});
    }

    /** Observes only the releases of {@code delegate}. */
    ObservedBackend(LockBackend delegate) {
        this(delegate, () -> {});
    }

    /** Returns true when some acquisition was released and every release so far has completed. */
    boolean releasesDone() {
        return !releases.isEmpty()
                && releases.stream()
                        .allMatch(stage -> stage.toCompletableFuture().isDone());
    }

    @Override
    public Acquisition acquisition(LockRequest request, Runnable onChange) {
        Acquisition acquisition = delegate.acquisition(request, onChange);
        return new Acquisition() {
            @Override
            public CompletionStage<AttemptResult> attempt() {
                return acquisition.attempt().thenApply(result -> {
                    if (result instanceof AttemptResult.Granted granted) {
                        onGrant.accept(request, granted);
                    }
                    return result;
                });
            }

            @Override
            public CompletionStage<Boolean> watch() {
                return acquisition.watch();
            }

            @Override
            public CompletionStage<Boolean> release() {
                onEnd.accept(request);
                CompletionStage<Boolean> release = acquisition.release();
                releases.add(release);
                return release;
            }
        };
    }
}
