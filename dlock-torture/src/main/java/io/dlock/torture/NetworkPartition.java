package io.dlock.torture;

/**
 * {@link Fault#PARTITION}: cuts the links the cluster's partition names (see
 * {@link LockCluster#partition}) for the fault's length, or longer while the servers need it to
 * bring about what it must, then heals them. A partition whose rules dropped no packet cut
 * nothing, and is a failure of the fault.
 */
final class NetworkPartition implements FaultInjector {

    @Override
    public String inject(Schedule.Planned planned, FaultRun run) {
        LockCluster.Partition cut = run.cluster().partition(planned);
        long start = System.nanoTime();
        long dropped;
        try {
            long end = cut.awaitEffect(start, start + planned.length().toNanos(), run);
            FaultRun.parkFor(end - System.nanoTime());
        } finally {
            dropped = run.cluster().network().healPartition();
        }
        if (dropped == 0) {
            run.fail("PARTITION (" + cut.description() + "): its rules dropped no packet, so it cut nothing");
        }
        run.note(dropped + " packets dropped");
        return cut.description();
    }
}
