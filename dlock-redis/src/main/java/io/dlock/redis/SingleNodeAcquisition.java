package io.dlock.redis;

import io.dlock.spi.Acquisition;
import io.dlock.spi.AttemptResult;
import io.dlock.spi.LockRequest;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * One owner's acquisition on one Redis server: an acquire script per attempt. A waiter must
 * hear every release after its denial: when the lock's release channel is already subscribed,
 * it listens before its first attempt; otherwise, after the first denial, it subscribes and
 * then checks once more, so a release between the denial and the subscription is not missed.
 */
final class SingleNodeAcquisition implements Acquisition {

    private final RedisNode node;
    private final LockRequest request;
    private final Runnable onChange;
    private volatile boolean watching;
    private volatile boolean mayHold;

    SingleNodeAcquisition(RedisNode node, LockRequest request, Runnable onChange) {
        this.node = node;
        this.request = request;
        this.onChange = onChange;
    }

    @Override
    public CompletionStage<AttemptResult> attempt() {
        if (!watching && node.watchIfSubscribed(request.name(), onChange)) {
            watching = true; // the channel is live: a release after this attempt reaches us
        }
        return node.acquire(request, OptionalLong.empty(), OptionalLong.empty()).handle((grant, error) -> {
            if (error != null) {
                mayHold = true; // the reply was lost: the script may have run
                return CompletableFuture.<AttemptResult>failedFuture(error);
            }
            if (grant.granted()) {
                mayHold = true;
                stopWatching();
                return CompletableFuture.<AttemptResult>completedFuture(new AttemptResult.Granted(grant.value()));
            }
            if (watching) {
                return CompletableFuture.completedFuture(denial(grant));
            }
            watching = true;
            return node.watch(request.name(), onChange).handle((subscribed, failed) -> {
                if (failed != null) {
                    stopWatching(); // waiting falls back to timed retries; the next attempt subscribes again
                    return CompletableFuture.completedFuture(denial(grant));
                }
                return attempt();
            }).thenCompose(stage -> stage);
        }).thenCompose(stage -> stage);
    }

    @Override
    public CompletionStage<Void> abandon() {
        stopWatching();
        if (!mayHold) {
            return CompletableFuture.completedFuture(null);
        }
        // Announced: if the lost reply was a grant, waiters of other clients are blocked by it.
        return node.release(request.name(), request.owner(), true).thenApply(released -> null);
    }

    private void stopWatching() {
        if (watching) {
            watching = false;
            node.unwatch(request.name(), onChange);
        }
    }

    private static AttemptResult denial(RedisNode.NodeGrant grant) {
        return grant.value() >= 0
                ? AttemptResult.Denied.holderFor(Duration.ofMillis(grant.value()))
                : AttemptResult.Denied.untilNotified();
    }
}
