package io.dlock.torture;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The servers of one lock service under torture, started for one run on loopback, and the
 * network its workers reach them through ({@link WorkerNetwork}). One implementation per
 * backend: {@link SingleRedisCluster}, {@link RedlockCluster}, {@link ZooKeeperCluster}; what
 * differs between them (the URI, how a partition cuts, sessions to expire) is said there, not
 * decided by switches elsewhere. Closing stops everything.
 */
interface LockCluster extends AutoCloseable {

    /**
     * Starts the servers {@code scenario} needs; with partitions among its faults, also the
     * firewall that cuts them (so only inside {@link NetworkIsolation}'s namespace).
     */
    static LockCluster start(Scenario scenario) {
        Optional<Firewall> firewall =
                scenario.faults().contains(Fault.PARTITION) ? Optional.of(Firewall.start()) : Optional.empty();
        return scenario.backend().startCluster(scenario, firewall);
    }

    /** The servers, in a fixed order. */
    List<ClusterNode> nodes();

    /** The proxies between the workers and the servers, and the firewall of the partition tier. */
    WorkerNetwork network();

    /** The lease (Redis) or session timeout (ZooKeeper) the workers use. */
    Duration lease();

    /** The URI worker {@code worker} (from 1) connects with, through its own proxies. */
    String uriFor(int worker);

    /**
     * Cuts the links {@code planned} names (see {@link Schedule.Planned});
     * {@link WorkerNetwork#healPartition()} restores them.
     *
     * @throws IllegalStateException without a firewall (outside the partition tier), or when the
     *     servers are not in a state to be partitioned as planned
     */
    Partition partition(Schedule.Planned planned);

    /**
     * Whether the servers keep a session per client that they expire when it falls silent
     * (ZooKeeper): a cut-off worker's sessions must then be seen to expire.
     */
    default boolean keepsSessions() {
        return false;
    }

    /**
     * The sessions of worker {@code worker} (from 1) as the servers list them; empty for
     * backends without sessions, and while the worker has no connection up.
     */
    default Set<String> sessionsOf(int worker) {
        return Set.of();
    }

    /**
     * Whether a running server still knows {@code session}; a server that does not answer counts
     * as knowing it, so a false answer is certain. False for backends without sessions.
     */
    default boolean knowsSession(String session) {
        return false;
    }

    /** Waits until every server serves again (e.g. a restarted ZooKeeper member has rejoined its ensemble). */
    default void awaitHealthy() {}

    /** Brings back every server the nemesis left down or paused, and heals the network, so the run can end cleanly. */
    void healAll();

    @Override
    void close();

    /** A partition the firewall holds. */
    interface Partition {

        /** What is cut off from what. */
        String description();

        /**
         * Waits, while the partition holds, for what it must bring about on the servers (a
         * partition that does not is a failure of the fault, reported to {@code run}), noting
         * what it saw; returns when to heal, in {@link System#nanoTime()}: {@code plannedEnd}, or
         * later when the servers need longer.
         *
         * @param start when the links were cut, in {@link System#nanoTime()}
         */
        default long awaitEffect(long start, long plannedEnd, FaultRun run) {
            return plannedEnd;
        }

        /** A partition that needs nothing of the servers but its planned length. */
        static Partition of(String description) {
            return () -> description;
        }
    }
}
