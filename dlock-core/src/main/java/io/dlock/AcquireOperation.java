package io.dlock;

import io.dlock.spi.Acquisition;
import io.dlock.spi.AttemptResult;
import io.dlock.spi.LockRequest;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The wait loop of one acquisition, as an asynchronous state machine, the same for every backend:
 * attempt; when denied the first time, watch and attempt once more (so a release between the
 * denial and the watch is never missed); then sleep until the watch reports a change or a
 * jittered retry timer fires; stop at the deadline.
 *
 * <p>At most one step (an attempt, or setting up the watch) is in flight. A change reported
 * during one triggers another attempt right after it. The deadline is exact: a timer completes
 * the result when it passes, and a step still in flight is cleaned up after when it returns (a
 * wait of zero makes one attempt and waits for its answer). Whenever the operation ends without
 * handing out a lease (timeout, cancellation, failure, or a grant that came too late), the
 * acquisition's {@link Acquisition#release()} runs after the last attempt, so nothing taken is
 * left behind; a clean-up that fails (the server is still unreachable) is retried with backoff
 * until the last attempt's lease would have run out on the server anyway.
 *
 * <p>A grant that arrives invalid (its reply was delayed past the lease, or its loss signal fired
 * already) is never handed out: it is given back and counts as a failed attempt, and the
 * operation goes on with a fresh owner id while its wait lasts.
 *
 * <p>An operation that waits on a backend without a fair queue first lines up behind the
 * client's other waiters for the same name ({@link LocalWaitQueues}) and makes no attempt until
 * it is first; its deadline runs all the same.
 */
final class AcquireOperation {

    private static final Logger log = LoggerFactory.getLogger(LockClient.class);
    /** The clean-ups of no earlier try: done, and shared, since only new stages are made from it. */
    private static final CompletableFuture<Void> NO_EARLIER_CLEAN_UPS = CompletableFuture.completedFuture(null);

    private final Engine engine;
    private final String name;
    private final Duration lease;
    private final boolean renewed;
    private final Wait wait;
    private final long startedAt;
    private final long deadline;
    private final CompletableFuture<DefaultLease> result = new CompletableFuture<>();
    private final CompletableFuture<Void> cleanedUp = new CompletableFuture<>();
    private final ReentrantLock lock = new ReentrantLock();
    /** The owner id and backend acquisition attempts go to now; replaced after a late grant. Guarded by lock. */
    private Try current;
    /** Completes when the clean-ups of earlier tries (late grants given back) are done. Guarded by lock. */
    private CompletableFuture<Void> earlierCleanUps = NO_EARLIER_CLEAN_UPS;

    private boolean inFlight;
    private boolean changedDuringStep;
    private boolean granted;
    private boolean active;
    private Scheduler.@Nullable Cancellable retryTimer;
    private Scheduler.@Nullable Cancellable deadlineTimer;
    private int consecutiveErrors;
    private int consecutiveCollisions;
    private volatile @Nullable Throwable lastError;
    private volatile @Nullable String lateGrant;

    /**
     * @param lease the lease each attempt asks for
     * @param renewed true when the watchdog renews the lease once granted
     */
    AcquireOperation(Engine engine, String name, Duration lease, boolean renewed, Wait wait) {
        this.engine = engine;
        this.name = name;
        this.lease = lease;
        this.renewed = renewed;
        this.wait = wait;
        this.startedAt = engine.now();
        this.deadline = startedAt + wait.limit().orElse(Duration.ZERO).toNanos();
        this.current = newTry();
    }

    /** Starts the loop; the future completes with the lease, or exceptionally as {@link Engine#acquire} says. */
    CompletableFuture<DefaultLease> start() {
        boolean first = !engine.waitsInLine(wait) || engine.localWaitQueues().join(this);
        // Registered after joining: if the operation was cancelled already (the client closed),
        // the completion runs now and leaves the line it just joined.
        result.whenComplete((lease, error) -> onCompleted(error));
        if (result.isDone()) {
            return result;
        }
        Duration limit = wait.limit().orElse(Duration.ZERO);
        if (!limit.isZero()) {
            lock.lock();
            try {
                deadlineTimer = engine.scheduler().schedule(this::timeOut, limit);
            } finally {
                lock.unlock();
            }
        }
        if (first) {
            activate();
        }
        return result;
    }

    String name() {
        return name;
    }

    void cancel() {
        result.cancel(false);
    }

    /**
     * Completes once nothing the operation took is left on the backend: at once for a grant,
     * after the clean-up otherwise (or when it gave up, when the server stayed unreachable).
     */
    CompletableFuture<Void> cleanedUp() {
        return cleanedUp;
    }

    /** Lets this operation attempt: it is first in its line, or does not wait in one. */
    void activate() {
        lock.lock();
        try {
            active = true;
        } finally {
            lock.unlock();
        }
        attempt();
    }

    /** The grant may have become available: attempt now, or right after the step in flight. */
    void changed() {
        attempt();
    }

    private Try newTry() {
        LockRequest request = LockRequest.mutex(name, engine.newOwner(), lease);
        ChangeRelay changes = new ChangeRelay(this);
        return new Try(request, engine.newAcquisition(request, changes), changes);
    }

    /** Starts a step unless one is in flight (then marks the change for after it); returns the try to step on. */
    private @Nullable Try beginStep() {
        lock.lock();
        try {
            if (result.isDone() || granted || !active) {
                return null;
            }
            if (inFlight) {
                changedDuringStep = true;
                return null;
            }
            inFlight = true;
            changedDuringStep = false;
            retryTimer = cancel(retryTimer);
            return current;
        } finally {
            lock.unlock();
        }
    }

    /** Ends the step in flight; returns whether a change was reported during it. */
    private boolean endStep(boolean grantedNow) {
        lock.lock();
        try {
            inFlight = false;
            granted = grantedNow;
            return changedDuringStep;
        } finally {
            lock.unlock();
        }
    }

    private void attempt() {
        Try trying = beginStep();
        if (trying == null) {
            return;
        }
        long sentAt = engine.now();
        trying.lastSentAt = sentAt;
        CompletionStage<AttemptResult> stage;
        try {
            stage = trying.acquisition.attempt();
        } catch (RuntimeException e) {
            stage = CompletableFuture.failedFuture(e);
        }
        stage.whenComplete((outcome, error) -> onAttemptDone(trying, sentAt, outcome, error));
    }

    private void onAttemptDone(Try trying, long sentAt, AttemptResult outcome, Throwable error) {
        if (log.isDebugEnabled()) {
            log.debug(
                    "attempt on lock '{}' as {}: {}",
                    name,
                    trying.request.owner(),
                    error != null ? "failed: " + Engine.describe(error) : outcome);
        }
        boolean changed = endStep(outcome instanceof AttemptResult.Granted);
        if (outcome instanceof AttemptResult.Granted grant) {
            onGranted(trying, grant, sentAt);
            return;
        }
        if (result.isDone()) {
            abandon(trying);
            return;
        }
        long now = engine.now();
        if (error != null) {
            Throwable cause = Failures.unwrap(error);
            if (!(cause instanceof BackendUnavailableException)) {
                result.completeExceptionally(cause);
                return;
            }
            lastError = cause;
            consecutiveErrors++;
            if (pastDeadline(now)) {
                result.completeExceptionally(unavailable(cause));
            } else {
                retryIn(engine.backoff().afterError(consecutiveErrors), now);
            }
            return;
        }
        consecutiveErrors = 0;
        lastError = null;
        if (pastDeadline(now)) {
            result.completeExceptionally(timedOut());
        } else if (outcome instanceof AttemptResult.Retry) {
            retryIn(engine.backoff().afterCollision(++consecutiveCollisions), now);
        } else if (!trying.watching) {
            consecutiveCollisions = 0;
            watchThenAttempt(trying, (AttemptResult.Denied) outcome, changed);
        } else if (changed) {
            consecutiveCollisions = 0;
            attempt();
        } else {
            consecutiveCollisions = 0;
            retryIn(engine.backoff().afterDenial((AttemptResult.Denied) outcome), now);
        }
    }

    /**
     * After the first denial: sets up the watch, then attempts once more unless the watch covered
     * the denied attempt already and no change was reported since the attempt began
     * ({@code changedDuringAttempt}, or during the set-up), since the grant may have come free
     * between the denial and the watch. A watch that cannot be set up leaves the operation to
     * timed retries.
     */
    private void watchThenAttempt(Try trying, AttemptResult.Denied denial, boolean changedDuringAttempt) {
        Try stepping = beginStep();
        if (stepping == null) {
            return;
        }
        if (stepping != trying) {
            // A late grant was given back meanwhile: the fresh try attempts instead of watching.
            endStep(false);
            attempt();
            return;
        }
        trying.watching = true;
        CompletionStage<Boolean> watch;
        try {
            watch = trying.acquisition.watch();
        } catch (RuntimeException e) {
            watch = CompletableFuture.failedFuture(e);
        }
        watch.whenComplete((covered, error) -> {
            boolean changed = endStep(false) || changedDuringAttempt;
            if (error != null) {
                trying.watching = false;
            }
            if (result.isDone()) {
                abandon(trying); // ended while the watch was set up, which stopped onCompleted from cleaning up
            } else if (!changed && (error != null || covered)) {
                retryIn(engine.backoff().afterDenial(denial), engine.now());
            } else {
                attempt();
            }
        });
    }

    private void onGranted(Try trying, AttemptResult.Granted grant, long sentAt) {
        if (result.isDone()) {
            abandon(trying);
            return;
        }
        long now = engine.now();
        if (engine.isPastValidity(sentAt, lease, renewed, now)) {
            giveBack(
                    trying,
                    "the grant arrived " + Durations.format(Duration.ofNanos(now - sentAt)) + " after the"
                            + " request, when its lease of " + Durations.format(lease)
                            + " (less the clock-drift allowance)"
                            + " had run out, so it was given back");
            return;
        }
        if (grant.signalsLoss()) {
            CompletableFuture<String> lost = grant.lost().toCompletableFuture();
            if (lost.isDone()) {
                giveBack(trying, "the grant was lost as it arrived (" + lost.join() + "), so it was given back");
                return;
            }
        }
        DefaultLease granted = engine.grant(trying.request, trying.acquisition, grant, sentAt, renewed);
        earlierCleanUps().thenRun(() -> cleanedUp.complete(null));
        if (!result.complete(granted)) {
            granted.startRelease().exceptionally(e -> null);
        }
    }

    /**
     * A grant that is invalid on arrival (its validity ended before its reply came, or its loss
     * signal fired already): handing it out would let the caller run unprotected. It is given
     * back, and the operation tries again with a fresh owner id (the old one's acquisition is
     * finished) while the wait lasts.
     */
    private void giveBack(Try late, String why) {
        lateGrant = why;
        abandon(late);
        long now = engine.now();
        lock.lock();
        try {
            granted = false;
            current = newTry();
        } finally {
            lock.unlock();
        }
        if (pastDeadline(now)) {
            result.completeExceptionally(timedOut());
        } else {
            retryIn(engine.backoff().afterError(++consecutiveErrors), now);
        }
    }

    private boolean pastDeadline(long now) {
        return wait.limit().isPresent() && (wait.isSingleAttempt() || now - deadline >= 0);
    }

    /** Sleeps until a change or the retry delay; the deadline timer runs independently. */
    private void retryIn(long delayNanos, long now) {
        if (wait.limit().isPresent() && now + delayNanos - deadline >= 0) {
            return;
        }
        lock.lock();
        try {
            if (!result.isDone() && !inFlight) {
                retryTimer = cancel(retryTimer);
                retryTimer = engine.scheduler().schedule(this::attempt, Duration.ofNanos(delayNanos));
            }
        } finally {
            lock.unlock();
        }
    }

    private void timeOut() {
        Throwable error = lastError;
        result.completeExceptionally(error != null ? unavailable(error) : timedOut());
    }

    private LockTimeoutException timedOut() {
        Duration limit = wait.limit().orElseThrow();
        String why = lateGrant;
        return why == null ? new LockTimeoutException(name, limit) : new LockTimeoutException(name, limit, why);
    }

    private BackendUnavailableException unavailable(Throwable cause) {
        String within = wait.limit()
                .filter(limit -> !limit.isZero())
                .map(limit -> " within " + Durations.format(limit))
                .orElse("");
        return new BackendUnavailableException(
                "lock '" + name + "' could not be acquired" + within + ": " + Engine.describe(cause), cause);
    }

    private void onCompleted(Throwable error) {
        currentTry().changes.detach();
        engine.ended(this);
        if (engine.listening()) {
            Duration waited = Duration.ofNanos(engine.now() - startedAt);
            engine.tell(listener -> listener.acquisitionEnded(name, outcome(error), waited));
        }
        boolean givenUp = error != null;
        engine.localWaitQueues().leave(this).ifPresent(AcquireOperation::activate);
        Try last;
        lock.lock();
        try {
            retryTimer = cancel(retryTimer);
            deadlineTimer = cancel(deadlineTimer);
            if (!givenUp || inFlight) {
                return; // a grant needs no clean-up; a step in flight cleans up when it returns
            }
            last = current;
        } finally {
            lock.unlock();
        }
        abandon(last);
    }

    private static LockListener.AcquisitionOutcome outcome(Throwable error) {
        Throwable cause = error == null ? null : Failures.unwrap(error);
        if (cause == null) {
            return LockListener.AcquisitionOutcome.ACQUIRED;
        } else if (cause instanceof LockTimeoutException) {
            return LockListener.AcquisitionOutcome.TIMED_OUT;
        } else if (cause instanceof BackendUnavailableException) {
            return LockListener.AcquisitionOutcome.UNAVAILABLE;
        } else if (cause instanceof CancellationException) {
            return LockListener.AcquisitionOutcome.CANCELLED;
        }
        return LockListener.AcquisitionOutcome.FAILED;
    }

    /** Cleans up after {@code given} once; the operation's clean-up completes when every try's has. */
    private void abandon(Try given) {
        lock.lock();
        try {
            if (given.abandoned) {
                return;
            }
            given.abandoned = true;
        } finally {
            lock.unlock();
        }
        given.changes.detach();
        // A grant whose reply was lost is dropped by the server a lease after the last attempt.
        long serverDropsAt = engine.serverExpiresLease() ? given.lastSentAt + lease.toNanos() : Long.MAX_VALUE;
        CompletableFuture<Void> done = engine.cleanUp(
                given.acquisition::release, serverDropsAt, last -> engine.logAbandonFailure(given.request, last));
        CompletableFuture<Void> all;
        boolean ended;
        lock.lock();
        try {
            earlierCleanUps = earlierCleanUps.thenCombine(done, (a, b) -> null);
            all = earlierCleanUps;
            ended = result.isDone() && !granted;
        } finally {
            lock.unlock();
        }
        if (ended) {
            all.thenRun(() -> cleanedUp.complete(null));
        }
    }

    private Try currentTry() {
        lock.lock();
        try {
            return current;
        } finally {
            lock.unlock();
        }
    }

    private CompletableFuture<Void> earlierCleanUps() {
        lock.lock();
        try {
            return earlierCleanUps;
        } finally {
            lock.unlock();
        }
    }

    /** Cancels {@code timer} if set and returns null, for assignment back; call with the lock held. */
    private static Scheduler.@Nullable Cancellable cancel(Scheduler.@Nullable Cancellable timer) {
        if (timer != null) {
            timer.cancel();
        }
        return null;
    }

    /**
     * Passes one try's change reports from the backend on to the operation while it needs them.
     * The acquisition of a granted lease lives as long as the lease and keeps its change
     * callback; detached once the operation ended (or the try was given up), the relay keeps the
     * operation, done by then, from living as long. Each try has its own, so a given-up try that
     * stops listening never removes the listener of the try after it.
     */
    private static final class ChangeRelay implements Runnable {
        private volatile @Nullable AcquireOperation operation;

        ChangeRelay(AcquireOperation operation) {
            this.operation = operation;
        }

        @Override
        public void run() {
            AcquireOperation target = operation;
            if (target != null) {
                target.changed();
            }
        }

        void detach() {
            operation = null;
        }
    }

    /** One owner id's acquisition on the backend: the operation's first, or a fresh one after a late grant. */
    private static final class Try {
        final LockRequest request;
        final Acquisition acquisition;
        final ChangeRelay changes;
        /** Guarded by the operation's lock. */
        boolean abandoned;

        volatile boolean watching;
        volatile long lastSentAt;

        Try(LockRequest request, Acquisition acquisition, ChangeRelay changes) {
            this.request = request;
            this.acquisition = acquisition;
            this.changes = changes;
        }
    }
}
