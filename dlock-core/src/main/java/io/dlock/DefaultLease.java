package io.dlock;

import io.dlock.spi.Acquisition;
import io.dlock.spi.LockRequest;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * The engine's lease: validity on the monotonic clock, loss state and listeners. Renewal and
 * release are driven by {@link Engine}; this class only keeps the state consistent.
 */
final class DefaultLease implements Lease {

    /** What {@link #remaining()} says of a lease bound to a session: about 292 years, and every conversion works. */
    static final Duration UNBOUNDED = Duration.ofNanos(Long.MAX_VALUE);

    private final Engine engine;
    private volatile LockRequest request;
    private final Acquisition acquisition;
    private final long fencingToken;
    private final long grantedAt;
    private final boolean renewed;
    private final boolean unbounded;
    private final ReentrantLock stateLock = new ReentrantLock();
    private final AtomicReference<CompletableFuture<Void>> release = new AtomicReference<>();
    private volatile long deadlineNanos;
    private volatile @Nullable String lossReason;
    private volatile @Nullable WeakReference<Thread> holderThread;
    /** Immutable and empty until the first listener comes: most leases never get one. Guarded by stateLock. */
    private List<LeaseLostListener> listeners = List.of();

    /**
     * Where the watchdog keeps this lease: its next step's due time and kind, its bucket and its
     * neighbours there; guarded by the watchdog's lock.
     */
    long watchDue;

    boolean watchAtDeadline;
    Watchdog.@Nullable Bucket watchBucket;

    @Nullable
    DefaultLease watchPrev;

    @Nullable
    DefaultLease watchNext;

    /**
     * @param acquisition the backend's handle of the grant
     * @param renewed true when the watchdog renews the lease, false for a fixed lease
     * @param unbounded true when the lease lives as long as a session and has no deadline
     */
    DefaultLease(
            Engine engine,
            LockRequest request,
            Acquisition acquisition,
            long fencingToken,
            boolean renewed,
            boolean unbounded,
            long deadlineNanos) {
        this.engine = engine;
        this.request = request;
        this.acquisition = acquisition;
        this.grantedAt = engine.now();
        this.fencingToken = fencingToken;
        this.renewed = renewed;
        this.unbounded = unbounded;
        this.deadlineNanos = deadlineNanos;
    }

    @Override
    public String name() {
        return request.name();
    }

    @Override
    public String owner() {
        return request.owner();
    }

    @Override
    public long fencingToken() {
        return fencingToken;
    }

    @Override
    public boolean isValid() {
        return lossReason == null && release.get() == null && !isPastDeadline();
    }

    /** True once a lease with a deadline reached it, whether or not the watchdog has seen it yet. */
    boolean isPastDeadline() {
        return !unbounded && engine.now() - deadlineNanos >= 0;
    }

    @Override
    public Duration remaining() {
        if (!isValid()) {
            return Duration.ZERO;
        }
        return unbounded ? UNBOUNDED : Duration.ofNanos(Math.max(0, deadlineNanos - engine.now()));
    }

    @Override
    public Lease onLost(LeaseLostListener listener) {
        String reason;
        stateLock.lock();
        try {
            reason = lossReason;
            if (reason == null) {
                if (listeners.isEmpty()) {
                    listeners = new ArrayList<>(1);
                }
                listeners.add(listener);
                return this;
            }
        } finally {
            stateLock.unlock();
        }
        engine.notifyLost(this, List.of(listener), reason);
        return this;
    }

    @Override
    public void close() {
        engine.awaitRelease(startRelease());
    }

    @Override
    public void releaseAfter(Duration keepFor) {
        Objects.requireNonNull(keepFor, "keepFor");
        Duration checked =
                keepFor.compareTo(Limits.MIN_LEASE) < 0 ? Duration.ZERO : engine.checkKeep(Limits.checkLease(keepFor));
        CompletableFuture<Void> started = new CompletableFuture<>();
        CompletableFuture<Void> earlier = release.compareAndExchange(null, started);
        if (earlier != null) {
            engine.awaitRelease(earlier);
            return;
        }
        engine.release(this, started, checked);
        engine.awaitRelease(started);
    }

    @Override
    public boolean extend(Duration lease) {
        if (renewed) {
            throw new IllegalStateException(
                    "lease of lock '" + name() + "' is renewed by the watchdog; extend fixed" + " leases only");
        }
        return engine.extend(this, engine.checkValidity(Limits.checkLease(lease)));
    }

    @Override
    public CompletableFuture<Void> releaseAsync() {
        // A fresh future completed on the callback executor: the caller's dependent stages must
        // not run on the backend's I/O threads.
        CompletableFuture<Void> handedOut = new CompletableFuture<>();
        startRelease().whenComplete((done, error) -> engine.callbackExecutor().execute(() -> {
            if (error != null) {
                handedOut.completeExceptionally(Failures.unwrap(error));
            } else {
                handedOut.complete(null);
            }
        }));
        return handedOut;
    }

    /**
     * Releases once, however often called; the stage completes on whichever thread the backend
     * answers on, so only the engine may depend on it.
     */
    CompletableFuture<Void> startRelease() {
        CompletableFuture<Void> started = new CompletableFuture<>();
        CompletableFuture<Void> earlier = release.compareAndExchange(null, started);
        if (earlier != null) {
            return earlier;
        }
        engine.release(this, started, Duration.ZERO);
        return started;
    }

    @Override
    public String toString() {
        return "Lease[" + request.name() + ", owner " + request.owner() + ", token " + fencingToken
                + (lossReason != null ? ", lost: " + lossReason : isValid() ? ", valid" : ", ended") + "]";
    }

    LockRequest request() {
        return request;
    }

    /** The backend's handle of this grant, through which it is released. */
    Acquisition acquisition() {
        return acquisition;
    }

    boolean renewed() {
        return renewed;
    }

    long deadlineNanos() {
        return deadlineNanos;
    }

    /** Takes the new lease length of an extended fixed lease and its deadline, earlier or later. */
    void extended(LockRequest longer, long newDeadline) {
        stateLock.lock();
        try {
            request = longer;
            deadlineNanos = newDeadline;
        } finally {
            stateLock.unlock();
        }
    }

    /** Moves the deadline after a successful renewal; never moves it backwards. */
    void extendTo(long newDeadline) {
        stateLock.lock();
        try {
            if (newDeadline - deadlineNanos > 0) {
                deadlineNanos = newDeadline;
            }
        } finally {
            stateLock.unlock();
        }
    }

    /** How long this lease has been held, from its grant. */
    Duration heldFor() {
        return Duration.ofNanos(engine.now() - grantedAt);
    }

    /** Records that {@code thread} holds this lease through the {@link java.util.concurrent.locks.Lock} view. */
    void heldBy(Thread thread) {
        holderThread = new WeakReference<>(thread);
    }

    /** True when a thread held this lease through the Lock view and has ended: nobody can unlock it any more. */
    boolean holderThreadEnded() {
        WeakReference<Thread> holder = holderThread;
        if (holder == null) {
            return false;
        }
        Thread thread = holder.get();
        return thread == null || !thread.isAlive();
    }

    /** The reason this lease was lost, or null while it was not. */
    @Nullable
    String lossReason() {
        return lossReason;
    }

    boolean isReleased() {
        return release.get() != null;
    }

    /**
     * Records the loss once and tells the listeners; a second loss or a loss after release
     * started is ignored.
     *
     * @param cause the kind of loss, for the client's {@link LockListener}
     * @param evenIfReleasing true when the release itself discovered the loss
     * @return true if this call recorded the loss
     */
    boolean markLost(String reason, LockListener.LossCause cause, boolean evenIfReleasing) {
        List<LeaseLostListener> toTell;
        stateLock.lock();
        try {
            if (lossReason != null || (!evenIfReleasing && release.get() != null)) {
                return false;
            }
            lossReason = reason;
            toTell = listeners;
            listeners = List.of();
        } finally {
            stateLock.unlock();
        }
        engine.lost(this, toTell, reason, cause);
        return true;
    }
}
