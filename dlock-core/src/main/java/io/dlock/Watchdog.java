package io.dlock;

import io.dlock.spi.RenewingBackend;
import io.dlock.spi.LockRequest;
import io.dlock.spi.Renewal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * Keeps held leases alive and ends those that run out, with one timer per client.
 *
 * <p>Each watched lease waits in a time bucket for its next step: its renewal, a third of the
 * lease after the last one was sent, or, for a fixed lease or one whose renewal is in flight,
 * its deadline. When the timer fires, every renewal due now or within a quarter of its interval
 * (at most 2.5 s) goes to the backend in one batch, so many leases cost few round trips. Each
 * lease of a batch is decided on its own: a refused renewal loses that lease at once; one that
 * failed or could not be decided is retried until its deadline, where the lease is lost. A
 * lease held through the Lock view by a thread that has ended is released instead of renewed:
 * nobody could unlock it any more. A released lease leaves its bucket at once, so churn leaves nothing behind.
 */
final class Watchdog {

    private static final Duration RETRY_AFTER_ERROR = Duration.ofMillis(500);
    /** Buckets group due times this close together, so a lease is found and removed in constant time. */
    private static final long BUCKET_NANOS = Duration.ofMillis(10).toNanos();
    /** The most a renewal is sent ahead of its due time to join a batch. */
    private static final long MAX_EARLY_NANOS = Duration.ofMillis(2_500).toNanos();

    private final Engine engine;
    /** Null for a backend whose grants live as long as a session: then only fixed leases are watched. */
    private final @Nullable RenewingBackend backend;
    private final Scheduler scheduler;
    private final ReentrantLock lock = new ReentrantLock();
    private final TreeMap<Long, Set<DefaultLease>> buckets = new TreeMap<>();
    private Scheduler.@Nullable Cancellable timer;
    private long timerDue;
    private boolean stopped;

    Watchdog(Engine engine, @Nullable RenewingBackend backend, Scheduler scheduler) {
        this.engine = engine;
        this.backend = backend;
        this.scheduler = scheduler;
    }

    /** Starts watching a new lease acquired by a request sent at {@code sentAt}. */
    void watch(DefaultLease lease, long sentAt) {
        if (lease.renewed()) {
            schedule(lease, sentAt + interval(lease), false);
        } else {
            schedule(lease, lease.deadlineNanos(), true);
        }
    }

    /** Stops watching a released lease. */
    void forget(DefaultLease lease) {
        lock.lock();
        try {
            unbucket(lease);
        } finally {
            lock.unlock();
        }
    }

    /** Stops all timers; leases are left as they are. */
    void stop() {
        lock.lock();
        try {
            stopped = true;
            buckets.clear();
            if (timer != null) {
                timer.cancel();
            }
        } finally {
            lock.unlock();
        }
    }

    private void schedule(DefaultLease lease, long due, boolean atDeadline) {
        lock.lock();
        try {
            if (stopped || lease.isReleased()) {
                return;
            }
            unbucket(lease);
            lease.watchDue = due;
            lease.watchAtDeadline = atDeadline;
            lease.watchBucket = Math.floorDiv(due, BUCKET_NANOS);
            buckets.computeIfAbsent(lease.watchBucket, b -> new LinkedHashSet<>()).add(lease);
            armTimerFor(due);
        } finally {
            lock.unlock();
        }
    }

    /** Call with the lock held. */
    private void unbucket(DefaultLease lease) {
        Set<DefaultLease> bucket = buckets.get(lease.watchBucket);
        if (bucket != null && bucket.remove(lease) && bucket.isEmpty()) {
            buckets.remove(lease.watchBucket);
        }
    }

    /** Makes the single timer fire no later than {@code due}; call with the lock held. */
    private void armTimerFor(long due) {
        if (timer != null && timerDue - due <= 0) {
            return;
        }
        if (timer != null) {
            timer.cancel();
        }
        timerDue = due;
        timer = scheduler.schedule(this::tick, Duration.ofNanos(Math.max(0, due - engine.now())));
    }

    private void tick() {
        long now = engine.now();
        List<DefaultLease> toRenew = new ArrayList<>();
        List<DefaultLease> ended = new ArrayList<>();
        List<DefaultLease> orphaned = new ArrayList<>();
        lock.lock();
        try {
            timer = null;
            Iterator<Map.Entry<Long, Set<DefaultLease>>> scan = buckets.entrySet().iterator();
            while (scan.hasNext()) {
                Map.Entry<Long, Set<DefaultLease>> bucket = scan.next();
                if (bucket.getKey() * BUCKET_NANOS - now > MAX_EARLY_NANOS) {
                    break;
                }
                for (Iterator<DefaultLease> leases = bucket.getValue().iterator(); leases.hasNext(); ) {
                    DefaultLease lease = leases.next();
                    if (lease.lossReason() != null) {
                        leases.remove();
                    } else if (now - lease.deadlineNanos() >= 0) {
                        leases.remove();
                        ended.add(lease);
                    } else if (lease.renewed() && !lease.watchAtDeadline
                            && lease.watchDue - now <= Math.min(interval(lease) / 4, MAX_EARLY_NANOS)) {
                        leases.remove();
                        (lease.holderThreadEnded() ? orphaned : toRenew).add(lease);
                    }
                }
                if (bucket.getValue().isEmpty()) {
                    scan.remove();
                }
            }
            Map.Entry<Long, Set<DefaultLease>> first = buckets.firstEntry();
            if (first != null) {
                armTimerFor(first.getValue().stream().mapToLong(lease -> lease.watchDue).min().orElseThrow());
            }
        } finally {
            lock.unlock();
        }
        ended.forEach(this::end);
        orphaned.forEach(engine::releaseOrphan);
        if (!toRenew.isEmpty()) {
            renew(toRenew, now);
        }
    }

    private void end(DefaultLease lease) {
        if (lease.renewed()) {
            lease.markLost(Engine.ranOut(lease), Engine.ranOutCause(lease), false);
        } else {
            engine.expireFixed(lease);
        }
    }

    private void renew(List<DefaultLease> leases, long sentAt) {
        List<LockRequest> requests = leases.stream().map(DefaultLease::request).toList();
        for (DefaultLease lease : leases) {
            // Guards the deadline while the batch is in flight; replaced when it completes.
            schedule(lease, lease.deadlineNanos(), true);
        }
        RenewingBackend renewing = Objects.requireNonNull(backend, "only a RenewingBackend has renewed leases");
        renewing.renew(requests).whenComplete((outcomes, error) -> {
            if (error != null) {
                engine.logRenewalFailure(leases.size(), error);
            }
            for (int i = 0; i < leases.size(); i++) {
                DefaultLease lease = leases.get(i);
                Renewal outcome = error != null ? Renewal.UNDECIDED : outcomes.get(i);
                engine.tell(listener -> listener.leaseRenewed(lease.name(), LockListener.RenewalOutcome.valueOf(outcome.name())));
                switch (outcome) {
                    case RENEWED -> {
                        lease.extendTo(engine.deadline(sentAt, lease.request().lease()));
                        schedule(lease, sentAt + interval(lease), false);
                    }
                    case NOT_HELD -> {
                        forget(lease);
                        lease.markLost("renewal was refused: the lock is no longer held by this owner"
                                + " (it expired or was taken over)", LockListener.LossCause.RENEWAL_REFUSED, false);
                    }
                    case UNDECIDED -> {
                        long retry = engine.now() + Math.min(RETRY_AFTER_ERROR.toNanos(), interval(lease));
                        schedule(lease, Math.min(retry, lease.deadlineNanos()), false);
                    }
                }
            }
        });
    }

    private static long interval(DefaultLease lease) {
        return lease.request().lease().toNanos() / 3;
    }
}
