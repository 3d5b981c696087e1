package io.dlock.torture;

import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/** The lock services the suite tortures, and the faults under which each claims mutual exclusion. */
public enum BackendKind {

    /** One Redis node ({@code redis://}). */
    REDIS {
        @Override
        LockCluster startCluster(Scenario scenario, Optional<Firewall> firewall) {
            return SingleRedisCluster.start(scenario, firewall);
        }

        @Override
        Set<Fault> toleratedServerFaults() {
            return EnumSet.of(Fault.SERVER_PAUSE, Fault.REDIS_DEBUG_SLEEP);
        }
    },
    /** A Redlock quorum of three Redis masters ({@code redlock://}). */
    REDLOCK {
        @Override
        LockCluster startCluster(Scenario scenario, Optional<Firewall> firewall) {
            return RedlockCluster.start(scenario, firewall);
        }

        @Override
        Set<Fault> toleratedServerFaults() {
            return EnumSet.of(Fault.SERVER_CRASH, Fault.SERVER_PAUSE, Fault.REDIS_DEBUG_SLEEP, Fault.ROLLING_RESTART);
        }
    },
    /** A three-server ZooKeeper ensemble ({@code zk://}). */
    ZOOKEEPER {
        @Override
        LockCluster startCluster(Scenario scenario, Optional<Firewall> firewall) {
            return ZooKeeperCluster.start(scenario, firewall);
        }

        @Override
        Set<Fault> toleratedServerFaults() {
            return EnumSet.of(Fault.SERVER_CRASH, Fault.SERVER_PAUSE);
        }
    };

    /** Starts the servers of this backend for {@code scenario}; {@code firewall} in the partition tier. */
    abstract LockCluster startCluster(Scenario scenario, Optional<Firewall> firewall);

    /** The server faults this backend tolerates, beside those every backend does. */
    abstract Set<Fault> toleratedServerFaults();

    /**
     * The faults under which the README promises mutual exclusion on this backend: a run under
     * one of them must show no overlap of two valid leases. Client pauses are in no set: a
     * paused holder cannot know it lost its lease, which is what fencing tokens are for. The
     * README's torture table lists the same sets, and {@code BackendKindTest} checks they agree.
     */
    public Set<Fault> toleratedFaults() {
        EnumSet<Fault> tolerated = EnumSet.of(
                Fault.NONE,
                Fault.CLIENT_CUT_OFF,
                Fault.CONNECTION_DROP,
                Fault.LATENCY,
                Fault.CLOCK_JUMP,
                Fault.PARTITION);
        tolerated.addAll(toleratedServerFaults());
        return tolerated;
    }
}
