package io.dlock.zookeeper;

import io.dlock.BackendUnavailableException;
import io.dlock.spi.AttemptResult;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Hands the outcome of an attempt to the engine without a gap in loss reporting: a grant is
 * tracked by the {@link SessionGuard} before the engine sees it, and checked again right after
 * the engine has created its lease (the engine's callbacks run inside {@code complete}), so a
 * suspension or a lapse of the leader's confirmation at any point in between is reported. A
 * grant whose session the leader has not confirmed lately is refused: the attempt fails, and the
 * engine tries again or gives up.
 */
final class Grants {

    private Grants() {}

    /**
     * The engine's stage for an attempt whose outcome is {@code outcome}: a hold when granted,
     * empty when denied (the denied attempt has set its watch).
     */
    static CompletionStage<AttemptResult> deliver(CompletionStage<Optional<Hold>> outcome, SessionGuard guard) {
        CompletableFuture<AttemptResult> result = new CompletableFuture<>();
        outcome.whenComplete((hold, error) -> {
            if (error != null) {
                result.completeExceptionally(error);
            } else if (hold.isEmpty()) {
                result.complete(AttemptResult.Denied.untilNotified());
            } else {
                long epoch = guard.register(hold.get());
                if (!guard.leaderVouchesFor(hold.get())) {
                    // Its node stays until the engine tries again or gives up (and abandons it).
                    guard.forget(hold.get().owner());
                    result.completeExceptionally(new BackendUnavailableException("lock '" + hold.get().lockName()
                            + "' could be granted, but no sync through the ZooKeeper leader has confirmed session 0x"
                            + Long.toHexString(hold.get().sessionId()) + " lately (its server may be cut off from"
                            + " the leader); try again"));
                    return;
                }
                result.complete(new AttemptResult.Granted(hold.get().token()));
                guard.confirm(hold.get(), epoch);
            }
        });
        return result;
    }
}
