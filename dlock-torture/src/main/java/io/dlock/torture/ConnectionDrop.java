package io.dlock.torture;

/** {@link Fault#CONNECTION_DROP}: resets every connection of a worker to the servers at once; it reconnects. */
final class ConnectionDrop implements FaultInjector {

    @Override
    public String inject(Schedule.Planned planned, FaultRun run) {
        run.cluster().network().dropConnections(planned.target());
        return "worker " + planned.target();
    }
}
