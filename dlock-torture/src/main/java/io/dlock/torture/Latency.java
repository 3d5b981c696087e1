package io.dlock.torture;

import java.time.Duration;

/** {@link Fault#LATENCY}: delays every worker's traffic to the servers by the planned amount for the fault's length. */
final class Latency implements FaultInjector {

    @Override
    public String inject(Schedule.Planned planned, FaultRun run) {
        Duration latency = planned.amount();
        WorkerNetwork network = run.cluster().network();
        network.setLatency(latency);
        try {
            FaultRun.parkFor(planned.length().toNanos());
        } finally {
            network.setLatency(Duration.ZERO);
        }
        return latency.toMillis() + " ms, all workers";
    }
}
