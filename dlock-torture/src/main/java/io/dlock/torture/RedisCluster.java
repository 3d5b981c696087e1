package io.dlock.torture;

import io.dlock.servers.RedisServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Redis servers under torture, with {@code DEBUG SLEEP} allowed from loopback, none persisting
 * (a crashed one comes back empty); what the Redis backends share. The backends differ in
 * their URI and in how a partition cuts.
 */
abstract class RedisCluster implements LockCluster {

    private final Scenario scenario;
    private final List<RedisServer> servers;
    private final List<ClusterNode> nodes;
    private final WorkerNetwork network;

    RedisCluster(Scenario scenario, List<RedisServer> servers, WorkerNetwork network) {
        this.scenario = scenario;
        this.servers = List.copyOf(servers);
        this.nodes = servers.stream().map(ClusterNode::of).toList();
        this.network = network;
    }

    /** Starts {@code count} servers and the workers' proxies to them, and hands them to {@code cluster}. */
    static <C extends RedisCluster> C start(
            Scenario scenario, int count, Optional<Firewall> firewall, Constructor<C> cluster) {
        String[] args = RedisDebugCommand.enablingArgs();
        List<RedisServer> started = new ArrayList<>();
        try {
            for (int i = 0; i < count; i++) {
                started.add(RedisServer.start(args));
            }
            WorkerNetwork network = WorkerNetwork.start(
                    scenario.workers(), started.stream().map(RedisServer::port).toList(), firewall);
            return cluster.of(scenario, started, network);
        } catch (RuntimeException e) {
            started.forEach(RedisServer::close);
            throw e;
        }
    }

    /** A subclass's constructor. */
    @FunctionalInterface
    interface Constructor<C extends RedisCluster> {
        C of(Scenario scenario, List<RedisServer> servers, WorkerNetwork network);
    }

    /** The scenario the cluster was started for. */
    Scenario scenario() {
        return scenario;
    }

    @Override
    public List<ClusterNode> nodes() {
        return nodes;
    }

    @Override
    public WorkerNetwork network() {
        return network;
    }

    @Override
    public Duration lease() {
        return scenario.lease();
    }

    @Override
    public void healAll() {
        network.healAll();
        for (RedisServer server : servers) {
            if (!server.isRunning()) {
                server.restart();
            }
        }
    }

    @Override
    public void close() {
        network.close();
        servers.forEach(RedisServer::close);
    }
}
