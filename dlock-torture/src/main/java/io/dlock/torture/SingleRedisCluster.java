package io.dlock.torture;

import io.dlock.servers.RedisServer;
import java.util.List;
import java.util.Optional;

/** One Redis node under torture ({@code redis://}). */
final class SingleRedisCluster extends RedisCluster {

    private SingleRedisCluster(Scenario scenario, List<RedisServer> servers, WorkerNetwork network) {
        super(scenario, servers, network);
    }

    /** Starts the node and the workers' proxies. */
    static SingleRedisCluster start(Scenario scenario, Optional<Firewall> firewall) {
        return start(scenario, 1, firewall, SingleRedisCluster::new);
    }

    @Override
    public String uriFor(int worker) {
        return "redis://" + network().hostsOf(worker) + "?timeout=500ms";
    }

    /** Cuts worker {@link Schedule.Planned#target()} off from the node. */
    @Override
    public Partition partition(Schedule.Planned planned) {
        network().firewall().drop(List.of(network().proxy(planned.target(), 0).port()));
        return Partition.of(
                "worker " + planned.target() + " cut off from " + nodes().get(0).name());
    }
}
