package io.dlock.zookeeper;

import io.dlock.spi.Acquisition;
import io.dlock.spi.AttemptResult;
import io.dlock.spi.BackendContext;
import io.dlock.spi.LockBackend;
import io.dlock.spi.LockRequest;
import io.dlock.testkit.ForwardingLockBackend;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The leases a test's clients still hold, as their backends saw them: granted, and not released,
 * abandoned or reported lost since. Their tokens are their nodes' creation zxids, so a test can
 * tell a lock node that a lease stands for from an orphan.
 */
final class HeldLeases {

    private final Map<String, Long> tokensByOwner = new ConcurrentHashMap<>();

    /** Returns true when a held lease has token {@code token}. */
    boolean holds(long token) {
        return tokensByOwner.containsValue(token);
    }

    /** Opens a backend with {@code opener}, so that its grants and their ends are tracked here. */
    LockBackend track(BackendContext context, Function<BackendContext, LockBackend> opener) {
        BackendContext tracked = new BackendContext(context.ticker(), (name, owner, reason) -> {
            tokensByOwner.remove(owner);
            context.lossSink().lost(name, owner, reason);
        }, context.clockDrift(), context.defaultLease(), context.scheduler());
        return new Tracking(opener.apply(tracked));
    }

    /** Records grants and their ends at the SPI. */
    private final class Tracking extends ForwardingLockBackend {

        Tracking(LockBackend delegate) {
            super(delegate);
        }

        @Override
        public Acquisition acquisition(LockRequest request, Runnable onChange) {
            Acquisition acquisition = delegate.acquisition(request, onChange);
            return new Acquisition() {
                @Override
                public CompletionStage<AttemptResult> attempt() {
                    return acquisition.attempt().thenApply(result -> {
                        if (result instanceof AttemptResult.Granted granted) {
                            tokensByOwner.put(request.owner(), granted.fencingToken());
                        }
                        return result;
                    });
                }

                @Override
                public CompletionStage<Void> abandon() {
                    tokensByOwner.remove(request.owner());
                    return acquisition.abandon();
                }
            };
        }

        @Override
        public CompletionStage<Boolean> release(LockRequest held) {
            tokensByOwner.remove(held.owner());
            return delegate.release(held);
        }
    }
}
