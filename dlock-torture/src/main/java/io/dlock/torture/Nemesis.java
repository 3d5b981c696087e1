package io.dlock.torture;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Carries out a {@link Schedule} on its own thread, one fault at a time, each healed before the
 * next: a crashed server is restarted and serves again, a paused process is continued, a
 * cut-off worker is reconnected. So at most one server is down at a time: a minority of a
 * three-server quorum, or the one Redis node. Each fault is carried out by its own
 * {@link FaultInjector} ({@link Fault#injector()}). Records what it did as {@link FaultEvent}s.
 */
final class Nemesis implements AutoCloseable {

    private final LockCluster cluster;
    private final WorkerFleet workers;
    private final List<Schedule.Planned> plan;
    private final ReentrantLock lock = new ReentrantLock();
    private final List<FaultEvent> events = new ArrayList<>();
    private final List<String> failures = new ArrayList<>();
    private final Thread thread;
    private volatile boolean stopped;
    private long origin;

    Nemesis(LockCluster cluster, WorkerFleet workers, List<Schedule.Planned> plan) {
        this.cluster = cluster;
        this.workers = workers;
        this.plan = List.copyOf(plan);
        this.thread = new Thread(this::run, "torture-nemesis");
        thread.setDaemon(true);
    }

    /** Starts the schedule now. */
    void start() {
        origin = System.nanoTime();
        thread.start();
    }

    /** Waits until the schedule is done, or until {@code within} passes; returns whether it is done. */
    boolean await(Duration within) throws InterruptedException {
        thread.join(Math.max(1, within.toMillis()));
        return !thread.isAlive();
    }

    /** The faults carried out so far. */
    List<FaultEvent> events() {
        lock.lock();
        try {
            return List.copyOf(events);
        } finally {
            lock.unlock();
        }
    }

    /** Faults that could not be injected or healed, described. */
    List<String> failures() {
        lock.lock();
        try {
            return List.copyOf(failures);
        } finally {
            lock.unlock();
        }
    }

    /** Stops after the current fault is healed. */
    @Override
    public void close() {
        stopped = true;
        LockSupport.unpark(thread);
    }

    private void run() {
        for (Schedule.Planned planned : plan) {
            parkUntil(origin + planned.at().toNanos());
            if (stopped) {
                return;
            }
            try {
                add(inject(planned));
                cluster.awaitHealthy();
            } catch (RuntimeException e) {
                fail(planned + ": " + e);
            }
        }
    }

    /** Injects and heals one fault with its {@link FaultInjector}; returns what it did. */
    private FaultEvent inject(Schedule.Planned planned) {
        long start = System.nanoTime();
        FaultRun run = new FaultRun(cluster, workers, this::fail);
        String target = planned.fault().injector().inject(planned, run);
        return new FaultEvent(planned.fault(), target, start, System.nanoTime(), run.observed());
    }

    private void fail(String failure) {
        lock.lock();
        try {
            failures.add(failure);
        } finally {
            lock.unlock();
        }
    }

    private void add(FaultEvent event) {
        lock.lock();
        try {
            events.add(event);
        } finally {
            lock.unlock();
        }
    }

    private void parkUntil(long deadline) {
        for (long left = deadline - System.nanoTime(); left > 0 && !stopped; left = deadline - System.nanoTime()) {
            LockSupport.parkNanos(left);
        }
    }
}
