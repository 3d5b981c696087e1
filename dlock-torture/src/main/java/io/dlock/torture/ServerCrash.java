package io.dlock.torture;

/** {@link Fault#SERVER_CRASH}: kills a server (SIGKILL) and restarts it after the fault's length. */
final class ServerCrash implements FaultInjector {

    @Override
    public String inject(Schedule.Planned planned, FaultRun run) {
        ClusterNode node = run.cluster().nodes().get(planned.target());
        node.crash();
        FaultRun.parkFor(planned.length().toNanos());
        node.recover();
        return node.name();
    }
}
