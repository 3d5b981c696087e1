package io.dlock.testkit.torture;

/** A kind of fault the nemesis injects. Server faults hit a minority of a quorum, or the one node. */
public enum Fault {

    /** No fault: the baseline. */
    NONE("no fault"),
    /**
     * A server is killed (SIGKILL) and restarted after a while: Redis comes back empty (no
     * persistence), ZooKeeper from its disk.
     */
    SERVER_CRASH("server kill -9, restart (Redis empty)"),
    /** A server is stopped (SIGSTOP) and continued (SIGCONT): its connections stay open, unanswered. */
    SERVER_PAUSE("server SIGSTOP/SIGCONT"),
    /** A Redis server blocks in {@code DEBUG SLEEP}. */
    REDIS_DEBUG_SLEEP("Redis DEBUG SLEEP"),
    /**
     * Redlock: one node is killed, another is restarted empty while the first is down, then the
     * first comes back empty too; the scenario the Redlock page's "delayed restart" answers.
     */
    ROLLING_RESTART("node down, another restarted empty, first back"),
    /** A worker JVM is stopped (SIGSTOP) for longer than its lease or session, as in a long GC pause. */
    CLIENT_PAUSE("client SIGSTOP past its lease"),
    /**
     * A worker's connections to the lock service are frozen by its proxies (a blackhole) past its
     * lease or session timeout, while it goes on running; for ZooKeeper the servers really
     * expire its session and delete its lock nodes.
     */
    CLIENT_CUT_OFF("client blackholed past its lease / session (ZooKeeper: server-side expiry)"),
    /** Every connection of a worker to the lock service is reset at once; it reconnects. */
    CONNECTION_DROP("client connections reset"),
    /** Every worker's traffic to the lock service is delayed by 20 to 200 ms for a while. */
    LATENCY("20-200 ms added latency, all clients"),
    /** A worker's engine clock (its injected {@code Ticker}) jumps forward by one to three leases. */
    CLOCK_JUMP("client engine clock jumps forward 1-3 leases");

    private final String description;

    Fault(String description) {
        this.description = description;
    }

    /** A few words saying what the fault does, for reports. */
    public String description() {
        return description;
    }

    /** Returns true when this fault can be injected into {@code backend}. */
    public boolean appliesTo(BackendKind backend) {
        return switch (this) {
            case NONE, SERVER_CRASH, SERVER_PAUSE, CLIENT_PAUSE, CLIENT_CUT_OFF, CONNECTION_DROP, LATENCY, CLOCK_JUMP -> true;
            case REDIS_DEBUG_SLEEP -> backend != BackendKind.ZOOKEEPER;
            case ROLLING_RESTART -> backend == BackendKind.REDLOCK;
        };
    }
}
