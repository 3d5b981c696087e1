package io.dlock;

import io.dlock.spi.LockBackend;
import io.dlock.spi.LockRequest;
import io.dlock.spi.Scheduler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Keeps held leases alive and ends those that run out, with one timer per client.
 *
 * <p>Each watched lease has one entry in a queue ordered by due time: its next renewal (a third
 * of the lease after the last one was sent) or, for a fixed lease or one whose renewal is in
 * flight, its deadline. When the timer fires, every renewal due now, or within a quarter of its
 * interval, goes to the backend in one batch, so many leases cost few round trips. A refused
 * renewal loses the lease at once; a failed one is retried until the deadline, where the lease
 * is lost. A lease has one current entry; entries of released leases, and entries replaced by
 * a newer one, are dropped when they come up.
 */
final class Watchdog {

    private static final Duration RETRY_AFTER_ERROR = Duration.ofMillis(500);

    private final Engine engine;
    private final LockBackend backend;
    private final Scheduler scheduler;
    private final ReentrantLock lock = new ReentrantLock();
    private final PriorityQueue<Entry> queue = new PriorityQueue<>(Comparator.comparingLong(Entry::due));
    private Scheduler.Cancellable timer;
    private long timerDue;
    private boolean stopped;

    Watchdog(Engine engine, LockBackend backend, Scheduler scheduler) {
        this.engine = engine;
        this.backend = backend;
        this.scheduler = scheduler;
    }

    /** Starts watching a new lease acquired by a request sent at {@code sentAt}. */
    void watch(DefaultLease lease, long sentAt) {
        if (lease.renewed()) {
            enqueue(lease, sentAt + interval(lease), false);
        } else {
            enqueue(lease, lease.deadlineNanos(), true);
        }
    }

    /** Stops all timers; leases are left as they are. */
    void stop() {
        lock.lock();
        try {
            stopped = true;
            queue.clear();
            if (timer != null) {
                timer.cancel();
            }
        } finally {
            lock.unlock();
        }
    }

    private void enqueue(DefaultLease lease, long due, boolean atDeadline) {
        lock.lock();
        try {
            if (stopped) {
                return;
            }
            queue.add(new Entry(lease, due, atDeadline, ++lease.watchGeneration));
            armTimer();
        } finally {
            lock.unlock();
        }
    }

    /** Points the single timer at the earliest entry; call with the lock held. */
    private void armTimer() {
        Entry first = queue.peek();
        if (first == null || (timer != null && timerDue - first.due() <= 0)) {
            return;
        }
        if (timer != null) {
            timer.cancel();
        }
        timerDue = first.due();
        long delay = Math.max(0, first.due() - engine.now());
        timer = scheduler.schedule(this::tick, Duration.ofNanos(delay));
    }

    private void tick() {
        long now = engine.now();
        List<DefaultLease> toRenew = new ArrayList<>();
        List<DefaultLease> ended = new ArrayList<>();
        lock.lock();
        try {
            timer = null;
            while (!queue.isEmpty() && isDue(queue.peek(), now)) {
                Entry entry = queue.poll();
                DefaultLease lease = entry.lease();
                if (entry.generation() != lease.watchGeneration || lease.isReleased()
                        || lease.lossReason() != null) {
                    continue;
                }
                if (now - lease.deadlineNanos() >= 0) {
                    ended.add(lease);
                } else if (lease.renewed() && !entry.atDeadline()) {
                    toRenew.add(lease);
                } else {
                    queue.add(new Entry(lease, lease.deadlineNanos(), true, ++lease.watchGeneration));
                }
            }
            armTimer();
        } finally {
            lock.unlock();
        }
        ended.forEach(this::end);
        if (!toRenew.isEmpty()) {
            renew(toRenew, now);
        }
    }

    private boolean isDue(Entry entry, long now) {
        long early = entry.atDeadline() ? 0 : interval(entry.lease()) / 4;
        return entry.due() - now <= early;
    }

    private void end(DefaultLease lease) {
        if (lease.renewed()) {
            lease.markLost("its lease of " + Durations.format(lease.request().lease())
                    + " ran out before a renewal succeeded", false);
        } else {
            engine.expireFixed(lease);
        }
    }

    private void renew(List<DefaultLease> leases, long sentAt) {
        List<LockRequest> requests = leases.stream().map(DefaultLease::request).toList();
        for (DefaultLease lease : leases) {
            // Guards the deadline while the batch is in flight; replaced when it completes.
            enqueue(lease, lease.deadlineNanos(), true);
        }
        backend.renew(requests).whenComplete((renewed, error) -> {
            if (error != null) {
                engine.logRenewalFailure(leases.size(), error);
            }
            for (int i = 0; i < leases.size(); i++) {
                DefaultLease lease = leases.get(i);
                if (error != null) {
                    long retry = engine.now() + Math.min(RETRY_AFTER_ERROR.toNanos(), interval(lease));
                    enqueue(lease, Math.min(retry, lease.deadlineNanos()), false);
                } else if (renewed.get(i)) {
                    lease.extendTo(engine.deadline(sentAt, lease.request().lease()));
                    enqueue(lease, sentAt + interval(lease), false);
                } else {
                    lease.markLost("renewal was refused: the lock is no longer held by this owner"
                            + " (it expired or was taken over)", false);
                }
            }
        });
    }

    private static long interval(DefaultLease lease) {
        return lease.request().lease().toNanos() / 3;
    }

    /**
     * A lease waiting for its next renewal, or for its deadline when {@code atDeadline}; current
     * while its generation equals the lease's.
     */
    private record Entry(DefaultLease lease, long due, boolean atDeadline, int generation) {}
}
