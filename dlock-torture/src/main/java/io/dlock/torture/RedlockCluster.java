package io.dlock.torture;

import io.dlock.servers.RedisServer;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** A Redlock quorum of three Redis masters under torture ({@code redlock://}). */
final class RedlockCluster extends RedisCluster {

    private RedlockCluster(Scenario scenario, List<RedisServer> servers, WorkerNetwork network) {
        super(scenario, servers, network);
    }

    /** Starts the three masters and the workers' proxies. */
    static RedlockCluster start(Scenario scenario, Optional<Firewall> firewall) {
        return start(scenario, 3, firewall, RedlockCluster::new);
    }

    /**
     * With the restart quarantine of {@link #quarantine()}; restart detection is off for
     * {@link WorkerMode#REDLOCK_WITHOUT_RESTART_DETECTION}.
     */
    @Override
    public String uriFor(int worker) {
        return "redlock://" + network().hostsOf(worker) + "?restartQuarantine="
                + quarantine().toMillis() + "ms"
                + (scenario().mode() == WorkerMode.REDLOCK_WITHOUT_RESTART_DETECTION ? "&restartDetection=false" : "");
    }

    /** How long a restarted Redlock node's votes do not count: at least the lease, and at least 2 s. */
    Duration quarantine() {
        Duration twice = lease().multipliedBy(2);
        return twice.compareTo(Duration.ofSeconds(2)) > 0 ? twice : Duration.ofSeconds(2);
    }

    /**
     * Cuts node {@link Schedule.Planned#target()} off from every worker, or, when
     * {@link Schedule.Planned#second()} names a worker, that worker and the node from the rest.
     */
    @Override
    public Partition partition(Schedule.Planned planned) {
        int node = planned.target();
        int with = planned.second();
        network().dropWhere(nodes().size(), (w, n) -> (n == node) != (w == with));
        return Partition.of(
                with == 0
                        ? nodes().get(node).name() + " cut off from every worker"
                        : "worker " + with + " and " + nodes().get(node).name() + " cut off from the rest");
    }
}
