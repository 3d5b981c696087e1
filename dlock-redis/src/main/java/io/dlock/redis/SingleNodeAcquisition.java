package io.dlock.redis;

import io.dlock.spi.Acquisition;
import io.dlock.spi.AttemptResult;
import io.dlock.spi.LockRequest;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * One owner's acquisition on one Redis server: an acquire script per attempt, the lock's release
 * channel as its watch, and the release script as its release. When the channel is already
 * subscribed (another waiter of this client listens), it listens from its first attempt on, at
 * no cost, so a watch after a denial covers that attempt and needs no second look.
 */
final class SingleNodeAcquisition implements Acquisition {

    private final RedisNode node;
    private final LockRequest request;
    private final Keys keys;
    private final Runnable onChange;
    private volatile boolean watching;
    private volatile boolean mayHold;

    SingleNodeAcquisition(RedisNode node, LockRequest request, Runnable onChange) {
        this.node = node;
        this.request = request;
        this.keys = Keys.of(request.name());
        this.onChange = onChange;
    }

    @Override
    public CompletionStage<AttemptResult> attempt() {
        if (!watching && node.watchIfSubscribed(keys, onChange)) {
            watching = true; // the channel is live: a release after this attempt reaches us
        }
        // Decided in a stage of the call, not as its reply is decoded: a reply that arrives after
        // the call timed out must not touch the state a later attempt relies on.
        return node.acquire(keys, request, OptionalLong.empty(), OptionalLong.empty())
                .handle((grant, error) -> {
                    mayHold = true; // granted, or the reply was lost and the script may have run
                    if (error != null) {
                        throw RedisFailures.asCompletion(error);
                    }
                    if (grant.granted()) {
                        stopWatching();
                        return AttemptResult.Granted.withToken(grant.value());
                    }
                    mayHold = false;
                    return grant.value() >= 0
                            ? AttemptResult.Denied.holderFor(Duration.ofMillis(grant.value()))
                            : AttemptResult.Denied.untilNotified();
                });
    }

    @Override
    public CompletionStage<Boolean> watch() {
        if (watching) {
            return CompletableFuture.completedFuture(true);
        }
        watching = true;
        return node.watch(keys, onChange).handle((subscribed, failed) -> {
            if (failed != null) {
                stopWatching();
                throw RedisFailures.asCompletion(failed);
            }
            return false;
        });
    }

    /**
     * Releases, announced: a grant, or one whose reply was lost, holds up other clients' waiters.
     * Nothing is sent when the last attempt was denied (or none was made).
     */
    @Override
    public CompletionStage<Boolean> release() {
        stopWatching();
        if (!mayHold) {
            return CompletableFuture.completedFuture(false);
        }
        return node.release(keys, request.owner(), true);
    }

    private void stopWatching() {
        if (watching) {
            watching = false;
            node.unwatch(keys, onChange);
        }
    }
}
