package io.dlock.torture;

/**
 * {@link Fault#ROLLING_RESTART}: kills one node, restarts another empty while the first is
 * down, then brings the first back (empty too).
 */
final class RollingRestart implements FaultInjector {

    @Override
    public String inject(Schedule.Planned planned, FaultRun run) {
        ClusterNode down = run.cluster().nodes().get(planned.target());
        ClusterNode restarted = run.cluster().nodes().get(planned.second());
        down.crash();
        FaultRun.parkFor(planned.length().toNanos());
        restarted.crash();
        restarted.recover();
        down.recover();
        return down.name() + " down, " + restarted.name() + " restarted";
    }
}
