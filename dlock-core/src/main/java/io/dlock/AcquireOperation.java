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
 * <p>An operation that waits on a backend without a fair queue first lines up behind the
 * client's other waiters for the same name ({@link LocalWaitQueues}) and makes no attempt until
 * it is first; its deadline runs all the same.
 */
final class AcquireOperation {

    private final Engine engine;
    private final LockRequest request;
    private final boolean renewed;
    private final Duration wait;
    private final long deadline;
    private final Acquisition acquisition;
    private final CompletableFuture<DefaultLease> result = new CompletableFuture<>();
    private final AtomicBoolean abandoned = new AtomicBoolean();
    private final ReentrantLock lock = new ReentrantLock();
    private boolean inFlight;
    private boolean changedDuringAttempt;
    private boolean granted;
    private boolean active;
    private Scheduler.Cancellable retryTimer;
    private Scheduler.Cancellable deadlineTimer;
    private final CompletableFuture<Void> cleanedUp = new CompletableFuture<>();
    private int consecutiveErrors;
    private volatile Throwable lastError;
    private volatile long lastSentAt;

    /** @param wait how long to keep trying; null for no limit */
    AcquireOperation(Engine engine, LockRequest request, boolean renewed, Duration wait) {
        this.engine = engine;
        this.request = request;
        this.renewed = renewed;
        this.wait = wait;
        this.deadline = wait == null ? 0 : engine.now() + wait.toNanos();
        this.acquisition = engine.backend().acquisition(request, this::changed);
    }

    CompletableFuture<DefaultLease> start() {
        result.whenComplete((lease, error) -> onCompleted(error != null));
        boolean first = !engine.waitsInLine(wait) || engine.localWaitQueues().join(this);
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
        return request.name();
    }

    String owner() {
        return request.owner();
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

    private void attempt() {
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
        } finally {
            lock.unlock();
        }
        long sentAt = engine.now();
        lastSentAt = sentAt;
        CompletionStage<AttemptResult> stage;
        try {
            stage = acquisition.attempt();
        } catch (RuntimeException e) {
            stage = CompletableFuture.failedFuture(e);
        }
        stage.whenComplete((outcome, error) -> onAttemptDone(sentAt, outcome, error));
    }

    private void onAttemptDone(long sentAt, AttemptResult outcome, Throwable error) {
        boolean changed;
        lock.lock();
        try {
            inFlight = false;
            granted = outcome instanceof AttemptResult.Granted;
            changed = changedDuringAttempt;
        } finally {
            lock.unlock();
        }
        if (outcome instanceof AttemptResult.Granted granted) {
            onGranted(granted, sentAt);
            return;
        }
        if (result.isDone()) {
            abandonOnce();
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
            result.completeExceptionally(new LockTimeoutException(request.name(), wait));
        } else if (changed) {
            attempt();
        } else {
            retryIn(engine.backoff().afterDenial((AttemptResult.Denied) outcome), now);
        }
    }

    private void onGranted(AttemptResult.Granted granted, long sentAt) {
        if (result.isDone()) {
            abandonOnce();
            return;
        }
        DefaultLease lease = engine.grant(request, granted.fencingToken(), sentAt, renewed);
        cleanedUp.complete(null);
        if (!result.complete(lease)) {
            lease.startRelease().exceptionally(e -> null);
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
        result.completeExceptionally(lastError != null ? unavailable() : new LockTimeoutException(request.name(), wait));
    }

    private BackendUnavailableException unavailable() {
        String within = wait == null || wait.isZero() ? "" : " within " + Durations.format(wait);
        return new BackendUnavailableException("lock '" + request.name() + "' could not be acquired" + within
                + ": " + Engine.describe(lastError), lastError);
    }

    private void onCompleted(boolean givenUp) {
        engine.localWaitQueues().leave(this).ifPresent(AcquireOperation::activate);
        lock.lock();
        try {
            retryTimer = cancel(retryTimer);
            deadlineTimer = cancel(deadlineTimer);
            if (!givenUp || inFlight) {
                return; // a grant needs no clean-up; an attempt in flight abandons when it returns
            }
        } finally {
            lock.unlock();
        }
        abandonOnce();
    }

    private void abandonOnce() {
        if (abandoned.compareAndSet(false, true)) {
            // A grant whose reply was lost is dropped by the server a lease after the last attempt.
            long serverDropsAt = engine.serverExpiresLease() ? lastSentAt + request.lease().toNanos() : Long.MAX_VALUE;
            engine.cleanUp(acquisition::abandon, serverDropsAt, last -> engine.logAbandonFailure(request, last))
                    .thenRun(() -> cleanedUp.complete(null));
        }
    }

    /** Cancels {@code timer} if set and returns null, for assignment back; call with the lock held. */
    private static Scheduler.Cancellable cancel(Scheduler.Cancellable timer) {
        if (timer != null) {
            timer.cancel();
        }
        return null;
    }
}
