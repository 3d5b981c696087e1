package io.dlock.zookeeper;

import io.dlock.spi.AttemptResult;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Hands the outcome of an attempt to the engine without a gap in loss reporting: a grant is
 * tracked by the {@link SessionGuard} before the engine sees it, and checked again right after
 * the engine has created its lease (the engine's callbacks run inside {@code complete}), so a
 * suspension at any point in between is reported.
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
                result.complete(new AttemptResult.Granted(hold.get().token()));
                guard.confirm(hold.get(), epoch);
            }
        });
        return result;
    }
}
