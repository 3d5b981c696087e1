package io.dlock.testkit;

import io.dlock.Scheduler;
import io.dlock.Ticker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A clock and a scheduler that move only when a test calls {@link #advance(Duration)}: engine
 * timing (deadlines, renewals, backoff) tested exactly and without sleeping.
 *
 * <p>Pass it to {@code LockClient.builder(...).time(time, time)}. Due tasks run on the thread
 * that advances time, in due order; tasks they schedule within the advanced window run too.
 * Thread-safe.
 */
public final class ManualTime implements Ticker, Scheduler {

    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final AtomicLong sequence = new AtomicLong();
    private final ReentrantLock lock = new ReentrantLock();
    private final PriorityQueue<Task> tasks =
            new PriorityQueue<>(Comparator.comparingLong(Task::due).thenComparingLong(Task::order));

    @Override
    public long nanos() {
        return now.get();
    }

    @Override
    public Cancellable schedule(Runnable action, Duration delay) {
        Task task = new Task(action, now.get() + Math.max(0, delay.toNanos()), sequence.incrementAndGet());
        lock.lock();
        try {
            tasks.add(task);
        } finally {
            lock.unlock();
        }
        return () -> {
            lock.lock();
            try {
                tasks.remove(task);
            } finally {
                lock.unlock();
            }
        };
    }

    /** Moves time forward by {@code step}, running every task that falls due, in order. */
    public void advance(Duration step) {
        long target = now.get() + step.toNanos();
        while (true) {
            Task next;
            lock.lock();
            try {
                next = tasks.peek();
                if (next == null || next.due() - target > 0) {
                    break;
                }
                tasks.poll();
            } finally {
                lock.unlock();
            }
            now.accumulateAndGet(next.due(), Math::max);
            next.action().run();
        }
        now.accumulateAndGet(target, Math::max);
    }

    /** Runs the tasks due now without moving time. */
    public void runDue() {
        advance(Duration.ZERO);
    }

    /** The delays from now of the tasks still scheduled, earliest first; for assertions. */
    public List<Duration> pendingDelays() {
        List<Duration> delays = new ArrayList<>();
        lock.lock();
        try {
            tasks.stream().sorted(tasks.comparator()).forEach(t -> delays.add(Duration.ofNanos(t.due() - now.get())));
        } finally {
            lock.unlock();
        }
        return delays;
    }

    private record Task(Runnable action, long due, long order) {}
}
