package io.dlock.redis;

import io.lettuce.core.RedisCommandTimeoutException;
import io.netty.util.Timeout;
import io.netty.util.Timer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * Fails the script calls of one connection that get no reply within its command timeout, with
 * one timer for them all instead of one per call: every call waits the same time, so they come
 * due in the order they were sent, and the timer only ever waits for the oldest call still
 * without a reply. The timer is Lettuce's (the one its own command timeouts use), and the
 * failures are delivered on Lettuce's event executors, as its own are.
 */
final class CallTimeouts implements AutoCloseable {

    private final long timeoutNanos;
    private final Timer timer;
    private final Executor executor;
    private final ReentrantLock lock = new ReentrantLock();
    /** The calls in the order they were sent, with their deadlines; guarded by lock. */
    private final ArrayDeque<ScriptCall<?>> calls = new ArrayDeque<>();
    /** The timer task waiting for the oldest call, if any; guarded by lock. */
    private @Nullable Timeout pending;

    private boolean closed;

    CallTimeouts(Duration timeout, Timer timer, Executor executor) {
        this.timeoutNanos = timeout.toNanos();
        this.timer = timer;
        this.executor = executor;
    }

    /** Fails {@code call} with a {@link RedisCommandTimeoutException} unless it completes within the timeout from now. */
    void track(ScriptCall<?> call) {
        long now = System.nanoTime();
        lock.lock();
        try {
            if (closed) {
                return;
            }
            dropAnswered();
            call.deadline = now + timeoutNanos;
            calls.addLast(call);
            if (pending == null) {
                pending = timer.newTimeout(this::expire, timeoutNanos, TimeUnit.NANOSECONDS);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Stops the timer; calls still waiting are failed by the connection's closing. */
    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            calls.clear();
            if (pending != null) {
                pending.cancel();
                pending = null;
            }
        } finally {
            lock.unlock();
        }
    }

    private void expire(Timeout fired) {
        List<ScriptCall<?>> overdue = new ArrayList<>();
        lock.lock();
        try {
            if (pending != fired) {
                return;
            }
            long now = System.nanoTime();
            dropAnswered();
            for (ScriptCall<?> oldest = calls.peekFirst();
                    oldest != null && now - oldest.deadline >= 0;
                    oldest = calls.peekFirst()) {
                overdue.add(calls.removeFirst());
                dropAnswered();
            }
            ScriptCall<?> next = calls.peekFirst();
            pending = next == null ? null : timer.newTimeout(this::expire, next.deadline - now, TimeUnit.NANOSECONDS);
        } finally {
            lock.unlock();
        }
        if (!overdue.isEmpty()) {
            Duration timeout = Duration.ofNanos(timeoutNanos);
            executor.execute(() -> overdue.forEach(call -> call.completeExceptionally(
                    new RedisCommandTimeoutException("Command timed out after " + timeout.toMillis() + " ms"))));
        }
    }

    /** Drops the calls at the head that have their reply; call with the lock held. */
    private void dropAnswered() {
        for (ScriptCall<?> oldest = calls.peekFirst(); oldest != null && oldest.isDone(); oldest = calls.peekFirst()) {
            calls.removeFirst();
        }
    }
}
