package io.dlock;

import io.dlock.spi.Acquisition;
import io.dlock.spi.AttemptResult;
import io.dlock.spi.LockRequest;
import io.dlock.spi.Scheduler;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The wait loop of one acquisition, as an asynchronous state machine: attempt; when denied,
 * sleep until the backend reports a change or a jittered retry timer fires; stop at the
 * deadline.
 *
 * <p>At most one attempt is in flight. A change reported during an attempt triggers another
 * attempt right after it, so no release is missed. The deadline is exact: a timer completes
 * the result when it passes, and an attempt still in flight is abandoned when it returns (a
 * wait of zero makes one attempt and waits for its answer). Whenever the operation ends
 * without handing out a lease (timeout, cancellation, failure, or a grant that came too late),
 * the backend's {@link Acquisition#abandon()} runs after the last attempt, so nothing taken is
 * left behind; a clean-up that fails (the server is still unreachable) is retried with backoff
 * until the last attempt's lease would have run out on the server anyway.
 *
 * <p>A grant that arrives after its own validity ended (its reply was delayed past the lease)
 * is never handed out: it is given back like an abandoned attempt and counts as a failed one,
 * and the operation goes on with a fresh owner id while its wait lasts.
 *
 * <p>An operation that waits on a backend without a fair queue first lines up behind the
 * client's other waiters for the same name ({@link LocalWaitQueues}) and makes no attempt until
 * it is first; its deadline runs all the same.
 */
final class AcquireOperation {

    private final Engine engine;
    private final String name;
    private final Duration lease;
    private final boolean renewed;
    private final Duration wait;
    private final long deadline;
    private final CompletableFuture<DefaultLease> result = new CompletableFuture<>();
    private final CompletableFuture<Void> cleanedUp = new CompletableFuture<>();
    private final ReentrantLock lock = new ReentrantLock();
    /** The owner id and backend acquisition attempts go to now; replaced after a late grant. Guarded by lock. */
    private Try current;
    /** Completes when the clean-ups of earlier tries (late grants given back) are done. Guarded by lock. */
    private CompletableFuture<Void> earlierCleanUps = CompletableFuture.completedFuture(null);
    private boolean inFlight;
    private boolean changedDuringAttempt;
    private boolean granted;
    private boolean active;
    private Scheduler.Cancellable retryTimer;
    private Scheduler.Cancellable deadlineTimer;
    private int consecutiveErrors;
    private int consecutiveCollisions;
    private volatile Throwable lastError;
    private volatile String lateGrant;

    /**
     * @param lease the lease each attempt asks for
     * @param renewed true when the watchdog renews the lease once granted
     * @param wait how long to keep trying; null for no limit
     */
    AcquireOperation(Engine engine, String name, Duration lease, boolean renewed, Duration wait) {
        this.engine = engine;
        this.name = name;
        this.lease = lease;
        this.renewed = renewed;
        this.wait = wait;
        this.deadline = wait == null ? 0 : engine.now() + wait.toNanos();
        this.current = newTry();
    }

    /** Starts the loop; the future completes with the lease, or exceptionally as {@link Engine#acquire} says. */
    CompletableFuture<DefaultLease> start() {
        boolean first = !engine.waitsInLine(wait) || engine.localWaitQueues().join(this);
        // Registered after joining: if the operation was cancelled already (the client closed),
        // the completion runs now and leaves the line it just joined.
        result.whenComplete((lease, error) -> onCompleted(error != null));
        if (result.isDone()) {
            return result;
        }
        if (wait != null && !wait.isZero()) {
            lock.lock();
            try {
                deadlineTimer = engine.scheduler().schedule(this::timeOut, wait);
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

    /** The lock may have become free: attempt now, or right after the attempt in flight. */
    void changed() {
        attempt();
    }

    private Try newTry() {
        Try made = new Try(new LockRequest(name, engine.newOwner(), lease));
        made.acquisition = engine.backend().acquisition(made.request, this::changed);
        return made;
    }

    private void attempt() {
        Try trying;
        lock.lock();
        try {
            if (result.isDone() || granted || !active) {
                return;
            }
            if (inFlight) {
                changedDuringAttempt = true;
                return;
            }
            inFlight = true;
            changedDuringAttempt = false;
            retryTimer = cancel(retryTimer);
            trying = current;
        } finally {
            lock.unlock();
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
        boolean changed;
        lock.lock();
        try {
            inFlight = false;
            granted = outcome instanceof AttemptResult.Granted;
            changed = changedDuringAttempt;
        } finally {
            lock.unlock();
        }
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
                result.completeExceptionally(unavailable());
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
        } else if (changed) {
            consecutiveCollisions = 0;
            attempt();
        } else {
            consecutiveCollisions = 0;
            retryIn(engine.backoff().afterDenial((AttemptResult.Denied) outcome), now);
        }
    }

    private void onGranted(Try trying, AttemptResult.Granted grant, long sentAt) {
        if (result.isDone()) {
            abandon(trying);
            return;
        }
        long now = engine.now();
        if (engine.isPastValidity(sentAt, lease, renewed, now)) {
            giveBackLateGrant(trying, now - sentAt);
            return;
        }
        DefaultLease granted = engine.grant(trying.request, grant.fencingToken(), sentAt, renewed);
        engine.ownerDone(trying.request.owner());
        earlierCleanUps().thenRun(() -> cleanedUp.complete(null));
        if (!result.complete(granted)) {
            granted.startRelease().exceptionally(e -> null);
        }
    }

    /**
     * A grant whose validity ended before its reply arrived: handing it out would let the caller
     * run unprotected. It is given back, and the operation tries again with a fresh owner id (the
     * old one's acquisition is finished) while the wait lasts.
     */
    private void giveBackLateGrant(Try late, long tookNanos) {
        lateGrant = "the grant arrived " + Durations.format(Duration.ofNanos(tookNanos)) + " after the request,"
                + " when its lease of " + Durations.format(lease) + " (less the clock-drift allowance) had run out,"
                + " so it was given back";
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
        return wait != null && (wait.isZero() || now - deadline >= 0);
    }

    /** Sleeps until a change or the retry delay; the deadline timer runs independently. */
    private void retryIn(long delayNanos, long now) {
        if (wait != null && now + delayNanos - deadline >= 0) {
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
        result.completeExceptionally(lastError != null ? unavailable() : timedOut());
    }

    private LockTimeoutException timedOut() {
        String why = lateGrant;
        return why == null ? new LockTimeoutException(name, wait) : new LockTimeoutException(name, wait, why);
    }

    private BackendUnavailableException unavailable() {
        String within = wait == null || wait.isZero() ? "" : " within " + Durations.format(wait);
        return new BackendUnavailableException("lock '" + name + "' could not be acquired" + within
                + ": " + Engine.describe(lastError), lastError);
    }

    private void onCompleted(boolean givenUp) {
        engine.localWaitQueues().leave(this).ifPresent(AcquireOperation::activate);
        Try last;
        lock.lock();
        try {
            retryTimer = cancel(retryTimer);
            deadlineTimer = cancel(deadlineTimer);
            if (!givenUp || inFlight) {
                return; // a grant needs no clean-up; an attempt in flight abandons when it returns
            }
            last = current;
        } finally {
            lock.unlock();
        }
        abandon(last);
    }

    /** Cleans up after {@code given} once; the operation's clean-up completes when every try's has. */
    private void abandon(Try given) {
        if (!given.abandoned.compareAndSet(false, true)) {
            return;
        }
        engine.ownerDone(given.request.owner());
        // A grant whose reply was lost is dropped by the server a lease after the last attempt.
        long serverDropsAt = engine.serverExpiresLease() ? given.lastSentAt + lease.toNanos() : Long.MAX_VALUE;
        CompletableFuture<Void> done = engine.cleanUp(given.acquisition::abandon, serverDropsAt,
                last -> engine.logAbandonFailure(given.request, last));
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

    private CompletableFuture<Void> earlierCleanUps() {
        lock.lock();
        try {
            return earlierCleanUps;
        } finally {
            lock.unlock();
        }
    }

    /** Cancels {@code timer} if set and returns null, for assignment back; call with the lock held. */
    private static Scheduler.Cancellable cancel(Scheduler.Cancellable timer) {
        if (timer != null) {
            timer.cancel();
        }
        return null;
    }

    /** One owner id's acquisition on the backend: the operation's first, or a fresh one after a late grant. */
    private static final class Try {
        final LockRequest request;
        final AtomicBoolean abandoned = new AtomicBoolean();
        Acquisition acquisition;
        volatile long lastSentAt;

        Try(LockRequest request) {
            this.request = request;
        }
    }
}
