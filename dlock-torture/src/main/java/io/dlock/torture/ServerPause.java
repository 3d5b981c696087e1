package io.dlock.torture;

/** {@link Fault#SERVER_PAUSE}: stops a server (SIGSTOP) for the fault's length, then continues it. */
final class ServerPause implements FaultInjector {

    @Override
    public String inject(Schedule.Planned planned, FaultRun run) {
        ClusterNode node = run.cluster().nodes().get(planned.target());
        node.pause();
        try {
            FaultRun.parkFor(planned.length().toNanos());
        } finally {
            node.resume();
        }
        return node.name();
    }
}
