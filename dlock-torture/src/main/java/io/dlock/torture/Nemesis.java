package io.dlock.torture;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Carries out a {@link Schedule} on its own thread, one fault at a time, each healed before the
 * next: a crashed server is restarted and serves again, a paused process is continued, a
 * cut-off worker is reconnected. So at most one server is down at a time: a minority of a
 * three-server quorum, or the one Redis node. Records what it did as {@link FaultEvent}s.
 */
final class Nemesis implements AutoCloseable {

    /** How long a client pause waits for the worker to be in a hold before pausing it anyway. */
    private static final Duration AIM_PATIENCE = Duration.ofSeconds(2);
    /** How long a cut-off looks for the worker's ZooKeeper session (it may be reconnecting). */
    private static final Duration SESSION_SEARCH = Duration.ofSeconds(5);
    private static final Duration POLL = Duration.ofMillis(50);
    /**
     * How long a ZooKeeper partition may take to bring about a new leader (the leader cut off) or
     * the cut-off follower's stepping out before it counts as failed.
     */
    private static final Duration PARTITION_PATIENCE = Duration.ofSeconds(30);

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

    /** Injects and heals one fault; returns what it did. */
    private FaultEvent inject(Schedule.Planned planned) {
        long start = System.nanoTime();
        long length = planned.length().toNanos();
        StringBuilder observed = new StringBuilder();
        String target = inject(planned, length, observed);
        return new FaultEvent(planned.fault(), target, start, System.nanoTime(), observed.toString());
    }

    /** Injects and heals one fault; returns what it hit, and appends to {@code observed} what it saw. */
    private String inject(Schedule.Planned planned, long length, StringBuilder observed) {
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
                // Aim at a holder between its read and its write: the pause then reliably overruns a
                // lease that is held, which is what the fault is about.
                Optional<String> holder = workers.awaitHolding(planned.target(), AIM_PATIENCE);
                workers.pause(planned.target());
                try {
                    parkFor(length);
                } finally {
                    workers.resume(planned.target());
                }
                observed.append(holder.map(h -> "paused while " + h)
                        .orElse("no thread was in its hold within " + AIM_PATIENCE.toMillis() + " ms; paused anyway"));
                return "worker " + planned.target();
            }
            case CLIENT_CUT_OFF -> {
                cutOff(planned.target(), length, observed);
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
            case PARTITION -> {
                LockCluster.Partition cut = cluster.partition(planned);
                long start = System.nanoTime();
                long dropped = 0;
                try {
                    long end = start + length;
                    if (!cut.majority().isEmpty()) {
                        end = cut.leaderIsolated() ? awaitNewLeader(cut, start, end, observed)
                                : awaitFollowerOut(cut, start, end, observed);
                    }
                    parkFor(end - System.nanoTime());
                } finally {
                    dropped = cluster.healPartition();
                }
                if (dropped == 0) {
                    fail("PARTITION (" + cut.description() + "): its rules dropped no packet, so it cut nothing");
                }
                observed.append(observed.length() > 0 ? "; " : "").append(dropped).append(" packets dropped");
                return cut.description();
            }
            case NONE -> throw new IllegalStateException("NONE is not injected");
        }
        throw new IllegalStateException("unknown fault " + planned.fault());
    }

    /**
     * Freezes a worker's traffic for {@code length}. On ZooKeeper, also checks that the servers
     * really expired the worker's session (it vanished from every member's {@code dump}) before
     * letting its traffic through again; a session that survives is a failure of the fault.
     */
    private void cutOff(int worker, long length, StringBuilder observed) {
        Set<String> sessions = Set.of();
        long searchUntil = System.nanoTime() + SESSION_SEARCH.toNanos();
        while (cluster.isZooKeeper() && sessions.isEmpty() && System.nanoTime() - searchUntil < 0) {
            sessions = cluster.zooKeeperSessionsOf(worker);
            if (sessions.isEmpty()) {
                LockSupport.parkNanos(POLL.toNanos());
            }
        }
        if (cluster.isZooKeeper() && sessions.isEmpty()) {
            fail("CLIENT_CUT_OFF of worker " + worker + ": no ZooKeeper session of it found within "
                    + SESSION_SEARCH.toSeconds() + " s, so its expiry cannot be checked");
        }
        long start = System.nanoTime();
        cluster.cutOff(worker);
        try {
            parkFor(length);
            for (String session : sessions) {
                // The servers expire a silent session after the session timeout (rounded up to the
                // next tick), but a new leader, elected after an earlier fault, starts every
                // session's timeout afresh: give them up to four more session timeouts.
                long deadline = System.nanoTime() + cluster.lease().multipliedBy(4).toNanos();
                boolean known = cluster.zooKeeperKnows(session);
                while (known && System.nanoTime() - deadline < 0) {
                    LockSupport.parkNanos(POLL.toNanos());
                    known = cluster.zooKeeperKnows(session);
                }
                if (known) {
                    fail("CLIENT_CUT_OFF of worker " + worker + ": its session " + session + " was still known to the"
                            + " servers " + millis(System.nanoTime() - start) + " after it was cut off: not expired");
                } else {
                    observed.append(observed.length() > 0 ? "; " : "").append("session ").append(session)
                            .append(" expired on the servers (gone by ").append(millis(System.nanoTime() - start))
                            .append(")");
                }
            }
        } finally {
            cluster.reconnect(worker);
        }
    }

    /**
     * While a ZooKeeper leader is cut off, waits until the majority elects a new one (a partition
     * that does not bring that about is a failure of the fault) and notes when the old one
     * stepped down; returns when to heal: the planned end, but at least one session timeout after
     * the new leader, so the cut-off client's session can expire on the majority's side.
     */
    private long awaitNewLeader(LockCluster.Partition cut, long start, long plannedEnd, StringBuilder observed) {
        long patience = start + PARTITION_PATIENCE.toNanos();
        OptionalLong steppedDown = OptionalLong.empty();
        while (System.nanoTime() - patience < 0) {
            if (steppedDown.isEmpty() && cluster.zooKeeperLeader(cut.isolated()).isEmpty()) {
                steppedDown = OptionalLong.of(System.nanoTime());
            }
            OptionalInt leader = cluster.zooKeeperLeader(cut.majority());
            if (leader.isPresent()) {
                long elected = System.nanoTime();
                observed.append(cluster.nodes().get(leader.getAsInt()).name()).append(" led the majority after ")
                        .append(millis(elected - start)).append("; the cut-off leader ")
                        .append(steppedDown.isEmpty() ? "still said it led then" : "stepped down after "
                                + millis(steppedDown.getAsLong() - start));
                return Math.max(plannedEnd, elected + cluster.lease().toNanos());
            }
            LockSupport.parkNanos(POLL.toNanos());
        }
        fail("PARTITION (" + cut.description() + "): the majority elected no new leader within "
                + PARTITION_PATIENCE.toSeconds() + " s");
        return plannedEnd;
    }

    /**
     * While a ZooKeeper follower is cut off, waits until it stops serving its clients (it does
     * once it misses the leader for {@code syncLimit × tickTime}; a partition that does not bring
     * that about is a failure of the fault) and checks that the leader kept leading the majority;
     * returns when to heal: the planned end, but at least one session timeout after the cut, so
     * that the leader can expire the cut-off client's session.
     */
    private long awaitFollowerOut(LockCluster.Partition cut, long start, long plannedEnd, StringBuilder observed) {
        int follower = cut.isolated().get(0);
        long patience = start + PARTITION_PATIENCE.toNanos();
        while (System.nanoTime() - patience < 0) {
            if (!cluster.zooKeeperFollows(follower)) {
                long out = System.nanoTime();
                OptionalInt leader = cluster.zooKeeperLeader(cut.majority());
                observed.append(cluster.nodes().get(follower).name()).append(" stopped serving after ")
                        .append(millis(out - start)).append("; ").append(leader.isPresent()
                                ? cluster.nodes().get(leader.getAsInt()).name() + " kept leading the majority"
                                : "no member of the majority led then");
                if (leader.isEmpty()) {
                    fail("PARTITION (" + cut.description() + "): the majority lost its leader when a follower was cut off");
                }
                return Math.max(plannedEnd, start + cluster.lease().toNanos());
            }
            LockSupport.parkNanos(POLL.toNanos());
        }
        fail("PARTITION (" + cut.description() + "): the cut-off follower still served its clients "
                + PARTITION_PATIENCE.toSeconds() + " s after the cut");
        return plannedEnd;
    }

    private static String millis(long nanos) {
        return Duration.ofNanos(nanos).toMillis() + " ms";
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
