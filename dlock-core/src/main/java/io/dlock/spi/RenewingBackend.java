package io.dlock.spi;

import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * A backend whose grants need renewing to stay held: the engine's watchdog sends it every lease
 * due for renewal in one batch.
 */
public interface RenewingBackend extends LockBackend {

    /**
     * Extends each held grant to its full lease from now, in as few round trips as possible.
     *
     * @implSpec Owner-checked: a grant no longer held by the request's owner is left alone and
     *     reported {@link Renewal#NOT_HELD}. Each lease is decided on its own: one that cannot
     *     be decided is {@link Renewal#UNDECIDED} and never fails the others. The stage fails
     *     only when no lease could be decided because the service was unreachable.
     * @return a stage with one entry per request, in order
     */
    CompletionStage<List<Renewal>> renew(List<LockRequest> held);
}
