package io.dlock.torture;

import java.util.EnumSet;
import java.util.Set;

/** The lock services the suite tortures, and the faults under which each claims mutual exclusion. */
public enum BackendKind {

    /** One Redis node ({@code redis://}). */
    REDIS,
    /** A Redlock quorum of three Redis masters ({@code redlock://}). */
    REDLOCK,
    /** A three-server ZooKeeper ensemble ({@code zk://}). */
    ZOOKEEPER;

    /**
     * The faults under which the README promises mutual exclusion on this backend: a run under
     * one of them must show no overlap of two valid leases. Client pauses are in no set: a
     * paused holder cannot know it lost its lease, which is what fencing tokens are for. The
     * README's torture table lists the same sets, and {@code BackendKindTest} checks they agree.
     */
    public Set<Fault> toleratedFaults() {
        EnumSet<Fault> tolerated = EnumSet.of(Fault.NONE, Fault.CLIENT_CUT_OFF, Fault.CONNECTION_DROP, Fault.LATENCY,
                Fault.CLOCK_JUMP, Fault.PARTITION);
        switch (this) {
            case REDIS -> tolerated.addAll(EnumSet.of(Fault.SERVER_PAUSE, Fault.REDIS_DEBUG_SLEEP));
            case REDLOCK -> tolerated.addAll(EnumSet.of(Fault.SERVER_CRASH, Fault.SERVER_PAUSE, Fault.REDIS_DEBUG_SLEEP,
                    Fault.ROLLING_RESTART));
            case ZOOKEEPER -> tolerated.addAll(EnumSet.of(Fault.SERVER_CRASH, Fault.SERVER_PAUSE));
        }
        return tolerated;
    }
}
