package io.dlock.servers;

import io.dlock.Scheduler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A real-time scheduler that a test can freeze, to play a client whose timers stop (a long GC
 * pause, a stopped process) while its servers and the other clients go on. Tasks that fall due
 * while paused run when it resumes, in order. Pass it with {@code LockClient.Builder.time(
 * Ticker.system(), scheduler)}; close it after the client.
 */
public final class PausableScheduler implements Scheduler, AutoCloseable {

    private final ScheduledThreadPoolExecutor executor;
    private final ReentrantLock lock = new ReentrantLock();
    private final List<Runnable> held = new ArrayList<>();
    private boolean paused;

    /** A running scheduler with one daemon thread. */
    public PausableScheduler() {
        executor = new ScheduledThreadPoolExecutor(1, task -> {
            Thread thread = new Thread(task, "dlock-servers-pausable-timer");
            thread.setDaemon(true);
            return thread;
        });
        executor.setRemoveOnCancelPolicy(true);
    }

    @Override
    public Cancellable schedule(Runnable task, Duration delay) {
        var future = executor.schedule(() -> runOrHold(task), delay.toNanos(), TimeUnit.NANOSECONDS);
        return () -> future.cancel(false);
    }

    /** Freezes: due tasks are held until {@link #resume()}. */
    public void pause() {
        lock.lock();
        try {
            paused = true;
        } finally {
            lock.unlock();
        }
    }

    /** Runs the held tasks and lets later ones run on time again. */
    public void resume() {
        List<Runnable> toRun;
        lock.lock();
        try {
            paused = false;
            toRun = List.copyOf(held);
            held.clear();
        } finally {
            lock.unlock();
        }
        toRun.forEach(executor::execute);
    }

    private void runOrHold(Runnable task) {
        lock.lock();
        try {
            if (paused) {
                held.add(task);
                return;
            }
        } finally {
            lock.unlock();
        }
        task.run();
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
