package io.dlock.testkit.torture;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Carries out a {@link Schedule} on its own thread, one fault at a time, each healed before the
 * next: a crashed server is restarted and serves again, a paused process is continued, a
 * cut-off worker is reconnected. So at most one server is down at a time: a minority of a
 * three-server quorum, or the one Redis node. Records what it did as {@link FaultEvent}s.
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
            long start = System.nanoTime();
            try {
                String target = inject(planned);
                add(new FaultEvent(planned.fault(), target, start, System.nanoTime()));
                cluster.awaitHealthy();
            } catch (RuntimeException e) {
                lock.lock();
                try {
                    failures.add(planned + ": " + e);
                } finally {
                    lock.unlock();
                }
            }
        }
    }

    /** Injects and heals one fault; returns what it hit. */
    private String inject(Schedule.Planned planned) {
        long length = planned.length().toNanos();
        switch (planned.fault()) {
            case SERVER_CRASH -> {
                ClusterNode node = cluster.nodes().get(planned.target());
                node.crash();
                parkFor(length);
                node.recover();
                return node.name();
            }
            case SERVER_PAUSE -> {
                ClusterNode node = cluster.nodes().get(planned.target());
                node.pause();
                try {
                    parkFor(length);
                } finally {
                    node.resume();
                }
                return node.name();
            }
            case REDIS_DEBUG_SLEEP -> {
                ClusterNode node = cluster.nodes().get(planned.target());
                node.sleep(planned.length());
                return node.name();
            }
            case ROLLING_RESTART -> {
                ClusterNode down = cluster.nodes().get(planned.target());
                ClusterNode restarted = cluster.nodes().get(planned.second());
                down.crash();
                parkFor(length);
                restarted.crash();
                restarted.recover();
                down.recover();
                return down.name() + " down, " + restarted.name() + " restarted";
            }
            case CLIENT_PAUSE -> {
                workers.pause(planned.target());
                try {
                    parkFor(length);
                } finally {
                    workers.resume(planned.target());
                }
                return "worker " + planned.target();
            }
            case CLIENT_CUT_OFF -> {
                cluster.cutOff(planned.target());
                try {
                    parkFor(length);
                } finally {
                    cluster.reconnect(planned.target());
                }
                return "worker " + planned.target();
            }
            case CONNECTION_DROP -> {
                cluster.dropConnections(planned.target());
                return "worker " + planned.target();
            }
            case CLOCK_JUMP -> {
                workers.jumpClock(planned.target(), planned.amount());
                return "worker " + planned.target() + " +" + planned.amount().toMillis() + " ms";
            }
            case LATENCY -> {
                Duration latency = planned.amount();
                cluster.setLatency(latency);
                try {
                    parkFor(length);
                } finally {
                    cluster.setLatency(Duration.ZERO);
                }
                return latency.toMillis() + " ms, all workers";
            }
            case NONE -> throw new IllegalStateException("NONE is not injected");
        }
        throw new IllegalStateException("unknown fault " + planned.fault());
    }

    private void add(FaultEvent event) {
        lock.lock();
        try {
            events.add(event);
        } finally {
            lock.unlock();
        }
    }

    /** Waits out a fault; not cut short by {@link #close()}, so the fault keeps its planned length. */
    private static void parkFor(long nanos) {
        long deadline = System.nanoTime() + nanos;
        for (long left = nanos; left > 0; left = deadline - System.nanoTime()) {
            LockSupport.parkNanos(left);
        }
    }

    private void parkUntil(long deadline) {
        for (long left = deadline - System.nanoTime(); left > 0 && !stopped; left = deadline - System.nanoTime()) {
            LockSupport.parkNanos(left);
        }
    }
}
