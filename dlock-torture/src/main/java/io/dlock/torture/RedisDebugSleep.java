package io.dlock.torture;

/** {@link Fault#REDIS_DEBUG_SLEEP}: blocks a Redis server in {@code DEBUG SLEEP} for the fault's length. */
final class RedisDebugSleep implements FaultInjector {

    @Override
    public String inject(Schedule.Planned planned, FaultRun run) {
        ClusterNode node = run.cluster().nodes().get(planned.target());
        node.sleep(planned.length());
        return node.name();
    }
}
