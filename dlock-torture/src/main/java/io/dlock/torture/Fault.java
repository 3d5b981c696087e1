package io.dlock.torture;

/** A kind of fault the nemesis injects. Server faults hit a minority of a quorum, or the one node. */
public enum Fault {

    /** No fault: the baseline. */
    NONE((planned, run) -> {
        throw new IllegalStateException("NONE is not injected");
    }),
    /**
     * A server is killed (SIGKILL) and restarted after a while: Redis comes back empty (no
     * persistence), ZooKeeper from its disk.
     */
    SERVER_CRASH(new ServerCrash()),
    /** A server is stopped (SIGSTOP) and continued (SIGCONT): its connections stay open, unanswered. */
    SERVER_PAUSE(new ServerPause()),
    /** A Redis server blocks in {@code DEBUG SLEEP}. */
    REDIS_DEBUG_SLEEP(new RedisDebugSleep()),
    /**
     * Redlock: one node is killed, another is restarted empty while the first is down, then the
     * first comes back empty too; the scenario the Redlock page's "delayed restart" answers.
     */
    ROLLING_RESTART(new RollingRestart()),
    /** A worker JVM is stopped (SIGSTOP) for longer than its lease or session, as in a long GC pause. */
    CLIENT_PAUSE(new ClientPause()),
    /**
     * A worker's connections to the lock service are frozen by its proxies (a blackhole) past its
     * lease or session timeout, while it goes on running; for ZooKeeper the servers really
     * expire its session and delete its lock nodes.
     */
    CLIENT_CUT_OFF(new ClientCutOff()),
    /** Every connection of a worker to the lock service is reset at once; it reconnects. */
    CONNECTION_DROP(new ConnectionDrop()),
    /** Every worker's traffic to the lock service is delayed by 20 to 200 ms for a while. */
    LATENCY(new Latency()),
    /** A worker's engine clock (its injected {@code Ticker}) jumps forward by one to three leases. */
    CLOCK_JUMP(new ClockJump()),
    /**
     * A network partition for two to four leases: iptables silently drops every packet on the
     * links cut (no reset; senders retransmit until it heals), inside a private network namespace
     * ({@link NetworkIsolation}: needs root, else the run is skipped, loudly). ZooKeeper, in turn:
     * the leader and one worker are cut off from the other two servers and workers, so the
     * majority elects a new leader while the old one sits in a minority with its client; or a
     * follower (the one the worker is connected to, if it is on a follower) and the worker, so
     * the follower answers the worker until it misses the leader for {@code syncLimit × tickTime}
     * while the leader, keeping its quorum, expires the worker's session. Redlock: one node
     * is cut off from every worker, or one worker and one node from the rest. Redis: one worker
     * is cut off from the node.
     */
    PARTITION(new NetworkPartition());

    private final FaultInjector injector;

    Fault(FaultInjector injector) {
        this.injector = injector;
    }

    /** What injects and heals this fault. */
    FaultInjector injector() {
        return injector;
    }

    /** Returns true when this fault can be injected into {@code backend}. */
    public boolean appliesTo(BackendKind backend) {
        return switch (this) {
            case NONE,
                    SERVER_CRASH,
                    SERVER_PAUSE,
                    CLIENT_PAUSE,
                    CLIENT_CUT_OFF,
                    CONNECTION_DROP,
                    LATENCY,
                    CLOCK_JUMP,
                    PARTITION -> true;
            case REDIS_DEBUG_SLEEP -> backend != BackendKind.ZOOKEEPER;
            case ROLLING_RESTART -> backend == BackendKind.REDLOCK;
        };
    }
}
