package io.dlock;

import io.dlock.spi.Acquisition;
import io.dlock.spi.AttemptResult;
import io.dlock.spi.BackendCapabilities;
import io.dlock.spi.LockBackend;
import io.dlock.spi.LockRequest;
import io.dlock.spi.Renewal;
import io.dlock.spi.RenewingBackend;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The backend-independent core of one client: starts acquisitions, creates leases, releases
 * them, hands them to the watchdog, follows their loss signals and tells listeners about losses.
 */
final class Engine {

    private static final Logger log = LoggerFactory.getLogger(LockClient.class);
    private static final Duration CLOSE_RELEASE_WAIT = Duration.ofSeconds(5);

    private final String clientId;
    private final LockBackend backend;
    private final BackendCapabilities capabilities;
    private final ClientSettings settings;
    private final Backoff backoff;
    private final Watchdog watchdog;
    private final AtomicLong ownerSequence = new AtomicLong();
    private final Set<DefaultLease> held = ConcurrentHashMap.newKeySet();
    private final Set<AcquireOperation> pending = ConcurrentHashMap.newKeySet();
    private final LocalWaitQueues localWaitQueues = new LocalWaitQueues();
    private volatile boolean closed;

    /**
     * @throws IllegalArgumentException if the backend says its server expires leases but cannot
     *     renew them
     */
    Engine(String clientId, LockBackend backend, ClientSettings settings) {
        this.clientId = clientId;
        this.backend = backend;
        this.capabilities = backend.capabilities();
        this.settings = settings;
        this.backoff = new Backoff(settings.maxRetryDelay());
        @Nullable RenewingBackend renewing = backend instanceof RenewingBackend r ? r : null;
        if (capabilities.serverExpiresLease() && renewing == null) {
            throw new IllegalArgumentException(backend + " says its server expires leases but is not a"
                    + " RenewingBackend, so held leases could not be kept");
        }
        this.watchdog = new Watchdog(this, renewing, settings.scheduler());
    }

    long now() {
        return settings.ticker().nanos();
    }

    Scheduler scheduler() {
        return settings.scheduler();
    }

    Backoff backoff() {
        return backoff;
    }

    Executor callbackExecutor() {
        return settings.callbackExecutor();
    }

    /**
     * The backend's acquisition of {@code request}.
     *
     * @throws UnsupportedOperationException if the backend does not serve such requests
     */
    Acquisition newAcquisition(LockRequest request, Runnable onChange) {
        capabilities.check(request);
        return backend.acquisition(request, onChange);
    }

    /** An owner id: this client's id and a sequence number, unique per acquisition. */
    String newOwner() {
        return clientId + ":" + ownerSequence.incrementAndGet();
    }

    /**
     * The local deadline of a lease whose request was sent at {@code sentAt}: the lease minus
     * the drift allowance, so the lease is never believed valid after the server dropped it.
     */
    long deadline(long sentAt, Duration lease) {
        return sentAt + lease.toNanos() - settings.clockDrift().allowanceNanos(lease);
    }

    /**
     * Starts acquiring {@code name}; the future completes with the lease, or exceptionally with
     * {@link LockTimeoutException} or {@link BackendUnavailableException}. Cancelling it gives
     * up and releases anything taken.
     */
    CompletableFuture<DefaultLease> acquire(String name, Wait wait, LeaseTerms terms) {
        Duration lease = terms.isRenewed()
                ? settings.defaultLease()
                : checkValidity(terms.fixed().orElseThrow());
        AcquireOperation operation = new AcquireOperation(this, name, lease, terms.isRenewed(), wait);
        pending.add(operation);
        CompletableFuture<DefaultLease> result = operation.start(); // its completion calls ended(operation)
        if (closed) {
            operation.cancel(); // close() may have looked at the pending operations before this one
        }
        return result;
    }

    /** Forgets a pending operation once its result is complete. */
    void ended(AcquireOperation operation) {
        pending.remove(operation);
    }

    /**
     * Returns {@code lease} if it leaves some validity after the clock-drift allowance.
     *
     * @throws IllegalArgumentException naming the lease and the allowance when it does not
     */
    Duration checkValidity(Duration lease) {
        backend.checkLease(lease);
        return settings.checkValidity(lease);
    }

    /**
     * Returns {@code keep} if the backend can keep a released grant that long.
     *
     * @throws IllegalArgumentException naming the time and the setting it contradicts
     */
    Duration checkKeep(Duration keep) {
        backend.checkKeep(keep);
        return keep;
    }

    LocalWaitQueues localWaitQueues() {
        return localWaitQueues;
    }

    /** Whether an acquisition with {@code wait} lines up locally: it waits, and the backend keeps no fair queue. */
    boolean waitsInLine(Wait wait) {
        return !capabilities.fair() && !wait.isSingleAttempt();
    }

    /**
     * True when a lease asked for at {@code sentAt} would already be past its local deadline at
     * {@code now}; never for a renewed lease that lives as long as a session.
     */
    boolean isPastValidity(long sentAt, Duration lease, boolean renewed, long now) {
        return !isUnbounded(renewed) && now - deadline(sentAt, lease) >= 0;
    }

    /** A renewed lease on a backend whose grants live as long as a session has no deadline. */
    private boolean isUnbounded(boolean renewed) {
        return renewed && !capabilities.serverExpiresLease();
    }

    /**
     * Creates the lease for a grant of {@code request} sent at {@code sentAt}, starts keeping it,
     * and follows its loss signal (which may have fired already: the lease is then lost at once).
     */
    DefaultLease grant(
            LockRequest request, Acquisition acquisition, AttemptResult.Granted granted, long sentAt, boolean renewed) {
        boolean unbounded = isUnbounded(renewed);
        DefaultLease lease = new DefaultLease(
                this,
                request,
                acquisition,
                granted.fencingToken(),
                renewed,
                unbounded,
                deadline(sentAt, request.lease()));
        held.add(lease);
        if (!unbounded) {
            watchdog.watch(lease, sentAt);
        }
        if (granted.signalsLoss()) {
            granted.lost().thenAccept(reason -> lease.markLost(reason, LockListener.LossCause.BACKEND, false));
        }
        if (log.isDebugEnabled()) { // three arguments would build their array and box the token
            log.debug(
                    "acquired lock '{}' as {} with fencing token {}",
                    request.name(),
                    request.owner(),
                    granted.fencingToken());
        }
        return lease;
    }

    /**
     * Releases {@code lease} on the backend, at once or after {@code keepFor}, and completes
     * {@code done} as {@link Lease#releaseAsync()} promises.
     */
    void release(DefaultLease lease, CompletableFuture<Void> done, Duration keepFor) {
        held.remove(lease);
        watchdog.forget(lease);
        if (lease.isPastDeadline()) {
            lease.markLost(ranOut(lease), ranOutCause(lease), true);
        }
        CompletionStage<Boolean> releasing =
                keepFor.isZero() ? lease.acquisition().release() : handBack(lease, keepFor);
        releasing.whenComplete((wasHeld, error) -> released(lease, done, keepFor, wasHeld, error));
    }

    private void released(
            DefaultLease lease, CompletableFuture<Void> done, Duration keepFor, Boolean wasHeld, Throwable error) {
        if (keepFor.isZero()) {
            // The client's next waiter need not wait for the backend's notification.
            localWaitQueues.first(lease.name()).ifPresent(AcquireOperation::changed);
        }
        String lostBefore = lease.lossReason();
        if (error != null) {
            log.warn(
                    "could not release lock '{}' (owner {}): {}; trying again while the server may still" + " hold it",
                    lease.name(),
                    lease.owner(),
                    describe(error));
            Supplier<CompletionStage<Boolean>> step =
                    keepFor.isZero() ? lease.acquisition()::release : () -> handBack(lease, keepFor);
            cleanUp(
                    step::get,
                    serverDropsAt(lease),
                    last -> log.warn(
                            "gave up releasing lock '{}' (owner {}): {}; it stays held until its"
                                    + " lease or session ends",
                            lease.name(),
                            lease.owner(),
                            describe(last)));
            if (!serverExpiresLease()) {
                // A lease on a session is valid while the session lives, which the client
                // cannot vouch for without the server: the session may have ended before.
                lease.markLost(
                        "its release could not be confirmed (" + describe(error) + "), so the"
                                + " session it lived in may have ended before it",
                        LockListener.LossCause.FOUND_AT_RELEASE,
                        true);
            }
        } else if (!wasHeld && lostBefore == null) {
            lease.markLost(
                    "found at release: the lock was no longer held by this owner" + " (it expired or was taken over)",
                    LockListener.LossCause.FOUND_AT_RELEASE,
                    true);
        }
        String reason = lease.lossReason();
        if (reason != null) {
            done.completeExceptionally(new LeaseLostException("lease of lock '" + lease.name() + "' (fencing token "
                    + lease.fencingToken() + ") ended before it was released: " + reason));
        } else {
            log.debug("released lock '{}' held by {}", lease.name(), lease.owner());
            if (listening()) {
                tell(listener -> listener.leaseReleased(lease.name(), lease.heldFor()));
            }
            done.complete(null);
        }
    }

    /**
     * Hands a released lease back for {@code keepFor}: a server that expires leases keeps it for
     * that long by a renewal to that length; on a session, the engine releases it after that long.
     *
     * @return a stage with true if the owner still held the lock
     */
    private CompletionStage<Boolean> handBack(DefaultLease lease, Duration keepFor) {
        if (!(backend instanceof RenewingBackend renewing) || !capabilities.serverExpiresLease()) {
            settings.scheduler()
                    .schedule(
                            () -> cleanUp(
                                    lease.acquisition()::release,
                                    Long.MAX_VALUE,
                                    last -> log.warn(
                                            "could not release lock '{}' (owner {}) after keeping it for {}: {}; it stays"
                                                    + " held until its session ends",
                                            lease.name(),
                                            lease.owner(),
                                            Durations.format(keepFor),
                                            describe(last))),
                            keepFor);
            return CompletableFuture.completedFuture(true);
        }
        return renewing.renew(List.of(lease.request().withLease(keepFor)))
                .thenApply(outcomes -> switch (outcomes.get(0)) {
                    case RENEWED -> true;
                    case NOT_HELD -> false;
                    case UNDECIDED ->
                        throw new BackendUnavailableException("too few servers answered to keep lock '" + lease.name()
                                + "' for " + Durations.format(keepFor));
                });
    }

    /**
     * Sets a valid fixed lease to end {@code length} from now: on a server that expires leases by
     * an owner-checked renewal to that length, and locally either way.
     *
     * @return true if the lease was still held and now ends then
     */
    boolean extend(DefaultLease lease, Duration length) {
        if (!lease.isValid()) {
            return false;
        }
        long sentAt = now();
        LockRequest extended = lease.request().withLease(length);
        if (capabilities.serverExpiresLease()) {
            CompletableFuture<List<Renewal>> renewal =
                    ((RenewingBackend) backend).renew(List.of(extended)).toCompletableFuture();
            Renewal outcome;
            try {
                outcome = renewal.get().get(0);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new LockException("interrupted while extending lock '" + lease.name() + "'", e);
            } catch (ExecutionException e) {
                throw Failures.rethrow(e);
            }
            if (outcome == Renewal.UNDECIDED) {
                throw new BackendUnavailableException(
                        "too few servers answered to extend lock '" + lease.name() + "'; it keeps the time it had");
            }
            if (outcome == Renewal.NOT_HELD) {
                lease.markLost(
                        "extending found the lock no longer held by this owner (it expired or was taken" + " over)",
                        LockListener.LossCause.RENEWAL_REFUSED,
                        false);
                return false;
            }
        }
        if (!lease.isValid()) {
            return false;
        }
        lease.extended(extended, deadline(sentAt, length));
        watchdog.watch(lease, sentAt);
        return true;
    }

    /** Ends a fixed lease whose time is up: it is lost, and released where the server would not drop it by itself. */
    void expireFixed(DefaultLease lease) {
        lease.markLost(ranOut(lease), ranOutCause(lease), false);
    }

    /**
     * Releases a renewed lease whose holding thread ended without unlocking it (through the Lock
     * view): nobody can unlock it any more, and renewing it would keep the lock from everyone
     * until the client closes.
     */
    void releaseOrphan(DefaultLease lease) {
        log.warn(
                "the thread that held lock '{}' (owner {}, fencing token {}) through the Lock view ended without"
                        + " unlocking it; releasing the lock",
                lease.name(),
                lease.owner(),
                lease.fencingToken());
        lease.startRelease().exceptionally(error -> null);
    }

    /** What a lease that reached its local deadline is lost for. */
    static LockListener.LossCause ranOutCause(DefaultLease lease) {
        return lease.renewed() ? LockListener.LossCause.RENEWALS_FAILED : LockListener.LossCause.FIXED_LEASE_ENDED;
    }

    /** Why a lease that reached its local deadline is lost. */
    static String ranOut(DefaultLease lease) {
        String length = Durations.format(lease.request().lease());
        return lease.renewed()
                ? "its lease of " + length + " ran out before a renewal succeeded"
                : "its fixed lease of " + length + " ran out";
    }

    /**
     * Runs {@code step}, a clean-up on the backend (a release, an abandoned acquisition), until
     * it succeeds: a failure (the server did not answer) is retried with backoff while the
     * server may still hold what is cleaned up, so a lost reply or a short outage does not leave
     * a lock held for a whole lease. After {@code serverDropsAt} on the ticker (the server has
     * dropped it by itself), or once the client closes, {@code giveUp} gets the last failure.
     *
     * @return a stage completing when the step succeeded or was given up
     */
    CompletableFuture<Void> cleanUp(Supplier<CompletionStage<?>> step, long serverDropsAt, Consumer<Throwable> giveUp) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        cleanUp(step, serverDropsAt, giveUp, done, 1);
        return done;
    }

    private void cleanUp(
            Supplier<CompletionStage<?>> step,
            long serverDropsAt,
            Consumer<Throwable> giveUp,
            CompletableFuture<Void> done,
            int tries) {
        CompletionStage<?> stage;
        try {
            stage = step.get();
        } catch (RuntimeException e) {
            stage = CompletableFuture.failedFuture(e);
        }
        stage.whenComplete((ignored, error) -> {
            if (error == null) {
                done.complete(null);
                return;
            }
            long delay = backoff.afterError(tries);
            if (closed || now() + delay - serverDropsAt >= 0) {
                giveUp.accept(error);
                done.complete(null);
            } else {
                settings.scheduler()
                        .schedule(() -> cleanUp(step, serverDropsAt, giveUp, done, tries + 1), Duration.ofNanos(delay));
            }
        });
    }

    /** When the server drops a lease by itself: its deadline plus the drift allowance; never for a session's. */
    private long serverDropsAt(DefaultLease lease) {
        return serverExpiresLease()
                ? lease.deadlineNanos()
                        + settings.clockDrift().allowanceNanos(lease.request().lease())
                : Long.MAX_VALUE;
    }

    /**
     * Forgets a lost lease (the caller may never close it), releases it where the server would
     * keep it for the rest of a session, and tells the client's listener and the lease's.
     */
    void lost(DefaultLease lease, List<LeaseLostListener> listeners, String reason, LockListener.LossCause cause) {
        held.remove(lease);
        watchdog.forget(lease);
        if (listening()) {
            tell(listener -> listener.leaseLost(lease.name(), cause, lease.heldFor()));
        }
        if (!lease.isReleased()) {
            log.warn(
                    "lost lock '{}' (owner {}, fencing token {}): {}",
                    lease.name(),
                    lease.owner(),
                    lease.fencingToken(),
                    reason);
            if (!serverExpiresLease()) {
                // A grant that lives as long as a session stays on the server while the session
                // lives on (a fixed lease that ran out, a suspension that ended): nobody believes
                // it held any more, so it must not block the name. Owner-checked, so harmless
                // where it is gone already.
                cleanUp(
                        lease.acquisition()::release,
                        Long.MAX_VALUE,
                        last -> log.warn(
                                "could not release lock"
                                        + " '{}' (owner {}) after it was lost: {}; it stays held until its session ends",
                                lease.name(),
                                lease.owner(),
                                describe(last)));
            }
        }
        notifyLost(lease, listeners, reason);
    }

    /** Tells {@code listeners} of the loss of {@code lease}, on the callback executor. */
    void notifyLost(DefaultLease lease, List<LeaseLostListener> listeners, String reason) {
        for (LeaseLostListener listener : listeners) {
            settings.callbackExecutor().execute(() -> {
                try {
                    listener.leaseLost(lease, reason);
                } catch (RuntimeException e) {
                    log.error("lease-lost listener of lock '{}' failed", lease.name(), e);
                }
            });
        }
    }

    /**
     * False when the client's listener is the default that does nothing: then callers skip
     * building an event (a lambda, a duration) on every acquisition and release.
     */
    boolean listening() {
        return settings.listener() != LockListener.NONE;
    }

    /** Tells the client's {@link LockListener}, which must not be able to break the engine. */
    void tell(Consumer<LockListener> event) {
        try {
            event.accept(settings.listener());
        } catch (RuntimeException e) {
            log.warn("the client's LockListener failed; ignored", e);
        }
    }

    /** True when the server drops a lock whose lease ran out; false when a lock lives as long as a session. */
    boolean serverExpiresLease() {
        return capabilities.serverExpiresLease();
    }

    void logAbandonFailure(LockRequest request, Throwable error) {
        log.warn(
                "gave up cleaning up after a failed acquisition of lock '{}' (owner {}): {}; anything it took"
                        + " stays until its lease or session ends",
                request.name(),
                request.owner(),
                describe(error));
    }

    void logRenewalFailure(int leases, Throwable error) {
        log.warn("renewal of {} lease(s) failed, retrying until their deadlines: {}", leases, describe(error));
    }

    /** Waits for a release without being interruptible, then rethrows its failure. */
    void awaitRelease(CompletableFuture<Void> release) {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    release.get();
                    return;
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException e) {
                    throw Failures.rethrow(e);
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Gives up pending acquisitions and releases every held lease, waiting (bounded) until both
     * are done on the backend, then stops timers.
     */
    void close() {
        closed = true;
        List<CompletableFuture<Void>> endings = new ArrayList<>();
        for (AcquireOperation operation : new ArrayList<>(pending)) {
            endings.add(operation.cleanedUp());
            operation.cancel();
        }
        for (DefaultLease lease : new ArrayList<>(held)) {
            endings.add(lease.startRelease().exceptionally(error -> null));
        }
        try {
            CompletableFuture.allOf(endings.toArray(CompletableFuture[]::new))
                    .get(CLOSE_RELEASE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            log.warn(
                    "not every lease was released within {} at close; the rest expire with their lease",
                    Durations.format(CLOSE_RELEASE_WAIT));
        }
        watchdog.stop();
    }

    static String describe(Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        return cause.getMessage() != null ? cause.getMessage() : cause.toString();
    }
}
