package io.dlock.torture;

import io.dlock.servers.TcpProxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The network between a run's workers and its servers: each worker reaches every server through
 * a proxy of its own, so that one worker can be cut off or reset and latency added; in the
 * partition tier, also the {@link Firewall} that cuts links silently. Closing closes the proxies.
 */
final class WorkerNetwork implements AutoCloseable {

    private final List<List<TcpProxy>> proxiesByWorker;
    private final Optional<Firewall> firewall;

    private WorkerNetwork(List<List<TcpProxy>> proxiesByWorker, Optional<Firewall> firewall) {
        this.proxiesByWorker = proxiesByWorker;
        this.firewall = firewall;
    }

    /** For each of {@code workers} workers, one proxy per server port in {@code ports}. */
    static WorkerNetwork start(int workers, List<Integer> ports, Optional<Firewall> firewall) {
        List<List<TcpProxy>> proxies = new ArrayList<>();
        try {
            for (int w = 0; w < workers; w++) {
                List<TcpProxy> own = new ArrayList<>();
                proxies.add(own);
                for (int port : ports) {
                    own.add(TcpProxy.to("127.0.0.1", port));
                }
            }
            return new WorkerNetwork(proxies, firewall);
        } catch (RuntimeException e) {
            proxies.forEach(list -> list.forEach(TcpProxy::close));
            throw e;
        }
    }

    /** How many workers. */
    int workers() {
        return proxiesByWorker.size();
    }

    /** Worker {@code worker}'s (from 1) {@code host:port} for each server, comma-separated, in server order. */
    String hostsOf(int worker) {
        return proxiesByWorker.get(worker - 1).stream()
                .map(TcpProxy::hostAndPort)
                .collect(Collectors.joining(","));
    }

    /** Worker {@code worker}'s (from 1) proxy to server {@code node} (an index into the cluster's nodes). */
    TcpProxy proxy(int worker, int node) {
        return proxiesByWorker.get(worker - 1).get(node);
    }

    /** The local ports of the connections worker {@code worker}'s proxies opened to the servers. */
    List<Integer> upstreamPortsOf(int worker) {
        return proxiesByWorker.get(worker - 1).stream()
                .flatMap(proxy -> proxy.upstreamPorts().stream())
                .toList();
    }

    /** Freezes every connection of worker {@code worker} (from 1) to the servers until {@link #reconnect(int)}. */
    void cutOff(int worker) {
        proxiesByWorker.get(worker - 1).forEach(TcpProxy::freeze);
    }

    /** Lets worker {@code worker}'s traffic through again. */
    void reconnect(int worker) {
        proxiesByWorker.get(worker - 1).forEach(TcpProxy::thaw);
    }

    /** Resets every connection of worker {@code worker} to the servers. */
    void dropConnections(int worker) {
        proxiesByWorker.get(worker - 1).forEach(TcpProxy::dropConnections);
    }

    /** Delays all workers' traffic to the servers by {@code latency}; {@link Duration#ZERO} for none. */
    void setLatency(Duration latency) {
        proxiesByWorker.forEach(list -> list.forEach(proxy -> proxy.setLatency(latency)));
    }

    /**
     * The firewall of the partition tier.
     *
     * @throws IllegalStateException without one (outside the partition tier)
     */
    Firewall firewall() {
        return firewall.orElseThrow(
                () -> new IllegalStateException("partitions need the firewall of the partition tier"));
    }

    /**
     * Drops every packet between worker and server on the links where {@code cut} says so: the
     * proxy ports of the workers (from 1) and servers (indexes) for which it is true.
     */
    void dropWhere(int nodes, LinkCut cut) {
        List<Integer> ports = new ArrayList<>();
        for (int w = 1; w <= workers(); w++) {
            for (int n = 0; n < nodes; n++) {
                if (cut.cuts(w, n)) {
                    ports.add(proxy(w, n).port());
                }
            }
        }
        firewall().drop(ports);
    }

    /** Which worker-to-server links a partition cuts. */
    @FunctionalInterface
    interface LinkCut {
        /** Whether the link between worker {@code worker} (from 1) and server {@code node} is cut. */
        boolean cuts(int worker, int node);
    }

    /** Lifts the partition: the firewall drops nothing any more; returns how many packets it had dropped. */
    long healPartition() {
        Firewall rules = firewall();
        long dropped = rules.droppedPackets();
        rules.heal();
        return dropped;
    }

    /** Lifts every partition, freeze and delay: the network is whole again. */
    void healAll() {
        firewall.ifPresent(Firewall::heal);
        proxiesByWorker.forEach(list -> list.forEach(TcpProxy::thaw));
        setLatency(Duration.ZERO);
    }

    @Override
    public void close() {
        proxiesByWorker.forEach(list -> list.forEach(TcpProxy::close));
    }
}
