package io.dlock;

import io.dlock.spi.LockRequest;
import io.dlock.spi.Renewal;
import io.dlock.spi.RenewingBackend;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
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
 *
 * <p>A bucket is a list threaded through its leases, and the newest bucket stays while it is
 * empty, so a lease that is taken and released within one bucket's span (the common short lock)
 * costs the watchdog no allocation at all.
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
    private final TreeMap<Long, Bucket> buckets = new TreeMap<>();
    /** The bucket created last, kept while empty for the next leases due in its span; guarded by lock. */
    private @Nullable Bucket newest;

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
            newest = null;
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
            long key = Math.floorDiv(due, BUCKET_NANOS);
            // Leases due in the newest bucket's span (most of them) skip the lookup.
            Bucket bucket = newest != null && newest.key == key ? newest : buckets.get(key);
            if (bucket == null) {
                if (newest != null && newest.first == null) {
                    buckets.remove(newest.key); // an empty bucket is kept only while it is the newest
                }
                bucket = new Bucket(key);
                buckets.put(key, bucket);
                newest = bucket;
            }
            bucket.add(lease);
            armTimerFor(due);
        } finally {
            lock.unlock();
        }
    }

    /** Call with the lock held. */
    private void unbucket(DefaultLease lease) {
        Bucket bucket = lease.watchBucket;
        if (bucket == null) {
            return;
        }
        bucket.remove(lease);
        if (bucket.first == null && bucket != newest) {
            buckets.remove(bucket.key, bucket);
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
            Iterator<Bucket> scan = buckets.values().iterator();
            while (scan.hasNext()) {
                Bucket bucket = scan.next();
                if (bucket.key * BUCKET_NANOS - now > MAX_EARLY_NANOS) {
                    break;
                }
                DefaultLease next;
                for (DefaultLease lease = bucket.first; lease != null; lease = next) {
                    next = lease.watchNext;
                    if (lease.lossReason() != null) {
                        bucket.remove(lease);
                    } else if (now - lease.deadlineNanos() >= 0) {
                        bucket.remove(lease);
                        ended.add(lease);
                    } else if (lease.renewed()
                            && !lease.watchAtDeadline
                            && lease.watchDue - now <= Math.min(interval(lease) / 4, MAX_EARLY_NANOS)) {
                        bucket.remove(lease);
                        (lease.holderThreadEnded() ? orphaned : toRenew).add(lease);
                    }
                }
                if (bucket.first == null) {
                    scan.remove();
                    if (bucket == newest) {
                        newest = null;
                    }
                }
            }
            for (Bucket bucket : buckets.values()) {
                if (bucket.first != null) { // only the newest bucket can be empty
                    armTimerFor(bucket.earliestDue());
                    break;
                }
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
                if (engine.listening()) {
                    engine.tell(listener ->
                            listener.leaseRenewed(lease.name(), LockListener.RenewalOutcome.valueOf(outcome.name())));
                }
                switch (outcome) {
                    case RENEWED -> {
                        lease.extendTo(engine.deadline(sentAt, lease.request().lease()));
                        schedule(lease, sentAt + interval(lease), false);
                    }
                    case NOT_HELD -> {
                        forget(lease);
                        lease.markLost(
                                "renewal was refused: the lock is no longer held by this owner"
                                        + " (it expired or was taken over)",
                                LockListener.LossCause.RENEWAL_REFUSED,
                                false);
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

    /** The leases whose next step falls in one span of {@link #BUCKET_NANOS}, linked through them; guarded by the lock. */
    static final class Bucket {
        final long key;

        @Nullable
        DefaultLease first;

        Bucket(long key) {
            this.key = key;
        }

        void add(DefaultLease lease) {
            DefaultLease next = first;
            lease.watchBucket = this;
            lease.watchPrev = null;
            lease.watchNext = next;
            if (next != null) {
                next.watchPrev = lease;
            }
            first = lease;
        }

        void remove(DefaultLease lease) {
            DefaultLease prev = lease.watchPrev;
            DefaultLease next = lease.watchNext;
            if (prev != null) {
                prev.watchNext = next;
            } else {
                first = next;
            }
            if (next != null) {
                next.watchPrev = prev;
            }
            lease.watchBucket = null;
            lease.watchPrev = null;
            lease.watchNext = null;
        }

        /** The earliest due time of this bucket's leases; call only while it holds some. */
        long earliestDue() {
            long earliest = Long.MAX_VALUE;
            for (DefaultLease lease = first; lease != null; lease = lease.watchNext) {
                earliest = Math.min(earliest, lease.watchDue);
            }
            return earliest;
        }
    }
}
