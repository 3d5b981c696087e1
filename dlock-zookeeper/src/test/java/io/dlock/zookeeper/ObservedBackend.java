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
 * {@code abandon()} or release), with the completion of every abandon.
 */
final class ObservedBackend extends ForwardingLockBackend {

    private final BiConsumer<LockRequest, Long> onGrant;
    private final Consumer<LockRequest> onEnd;
    private final List<CompletionStage<Void>> abandons = new CopyOnWriteArrayList<>();

    /**
     * Observes {@code delegate}: {@code onGrant} gets each granted request and its token, on the
     * thread that completes the attempt; {@code onEnd} each request abandoned or released.
     */
    ObservedBackend(LockBackend delegate, BiConsumer<LockRequest, Long> onGrant, Consumer<LockRequest> onEnd) {
        super(delegate);
        this.onGrant = onGrant;
        this.onEnd = onEnd;
    }

    /** Observes {@code delegate}; {@code onGrant} runs on the thread that completes each granting attempt. */
    ObservedBackend(LockBackend delegate, Runnable onGrant) {
        this(delegate, (request, token) -> onGrant.run(), request -> { });
    }

    /** Observes only the abandons of {@code delegate}. */
    ObservedBackend(LockBackend delegate) {
        this(delegate, () -> { });
    }

    /** Returns true when some acquisition was abandoned and every abandon so far has completed. */
    boolean abandonsDone() {
        return !abandons.isEmpty() && abandons.stream().allMatch(stage -> stage.toCompletableFuture().isDone());
    }

    @Override
    public Acquisition acquisition(LockRequest request, Runnable onChange) {
        Acquisition acquisition = delegate.acquisition(request, onChange);
        return new Acquisition() {
            @Override
            public CompletionStage<AttemptResult> attempt() {
                return acquisition.attempt().thenApply(result -> {
                    if (result instanceof AttemptResult.Granted granted) {
                        onGrant.accept(request, granted.fencingToken());
                    }
                    return result;
                });
            }

            @Override
            public CompletionStage<Void> abandon() {
                onEnd.accept(request);
                CompletionStage<Void> abandon = acquisition.abandon();
                abandons.add(abandon);
                return abandon;
            }
        };
    }

    @Override
    public CompletionStage<Boolean> release(LockRequest held) {
        onEnd.accept(held);
        return delegate.release(held);
    }
}
