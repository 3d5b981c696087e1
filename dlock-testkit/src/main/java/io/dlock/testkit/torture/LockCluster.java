package io.dlock.testkit.torture;

import io.dlock.testkit.RedisServer;
import io.dlock.testkit.TcpProxy;
import io.dlock.testkit.ZooKeeperEnsemble;
import io.dlock.testkit.ZooKeeperServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The servers of one lock service under torture, started for one run on loopback: one Redis
 * node, three Redlock masters, or a three-server ZooKeeper ensemble that each worker reaches
 * through proxies of its own, so that one worker can be cut off. Closing stops everything.
 */
final class LockCluster implements AutoCloseable {

    private final Scenario scenario;
    private final List<RedisServer> redis;
    private final ZooKeeperEnsemble zookeeper;
    private final List<List<TcpProxy>> proxiesByWorker;
    private final List<ClusterNode> nodes;

    private LockCluster(Scenario scenario, List<RedisServer> redis, ZooKeeperEnsemble zookeeper,
            List<List<TcpProxy>> proxiesByWorker) {
        this.scenario = scenario;
        this.redis = List.copyOf(redis);
        this.zookeeper = zookeeper;
        this.proxiesByWorker = proxiesByWorker;
        List<ClusterNode> all = new ArrayList<>();
        redis.forEach(server -> all.add(ClusterNode.of(server)));
        if (zookeeper != null) {
            zookeeper.servers().forEach(server -> all.add(ClusterNode.of(server)));
        }
        this.nodes = List.copyOf(all);
    }

    /** Starts the servers {@code scenario} needs. */
    static LockCluster start(Scenario scenario) {
        return switch (scenario.backend()) {
            case REDIS -> startRedis(scenario, 1);
            case REDLOCK -> startRedis(scenario, 3);
            case ZOOKEEPER -> startZooKeeper(scenario);
        };
    }

    private static LockCluster startRedis(Scenario scenario, int count) {
        String[] args = RedisDebugCommand.enablingArgs();
        List<RedisServer> started = new ArrayList<>();
        try {
            for (int i = 0; i < count; i++) {
                started.add(RedisServer.start(args));
            }
            return new LockCluster(scenario, started, null, List.of());
        } catch (RuntimeException e) {
            started.forEach(RedisServer::close);
            throw e;
        }
    }

    private static LockCluster startZooKeeper(Scenario scenario) {
        ZooKeeperEnsemble ensemble = ZooKeeperEnsemble.start(3);
        List<List<TcpProxy>> proxies = new ArrayList<>();
        try {
            for (int w = 0; w < scenario.workers(); w++) {
                List<TcpProxy> own = new ArrayList<>();
                proxies.add(own);
                for (ZooKeeperServer server : ensemble.servers()) {
                    own.add(TcpProxy.to("127.0.0.1", server.port()));
                }
            }
            return new LockCluster(scenario, List.of(), ensemble, proxies);
        } catch (RuntimeException e) {
            proxies.forEach(list -> list.forEach(TcpProxy::close));
            ensemble.close();
            throw e;
        }
    }

    /** The servers, in a fixed order. */
    List<ClusterNode> nodes() {
        return nodes;
    }

    /**
     * The URI worker {@code worker} (from 1) connects with: a Redlock client's restart detection
     * is off for {@link WorkerMode#REDLOCK_WITHOUT_RESTART_DETECTION}; a ZooKeeper client goes
     * through its own proxies with the scenario's lease as session timeout.
     */
    String uriFor(int worker) {
        long leaseMs = scenario.lease().toMillis();
        return switch (scenario.backend()) {
            case REDIS -> redis.get(0).uri() + "?timeout=500ms";
            case REDLOCK -> "redlock://" + redis.stream().map(RedisServer::hostAndPort).collect(Collectors.joining(","))
                    + "?restartQuarantine=" + quarantine().toMillis() + "ms"
                    + (scenario.mode() == WorkerMode.REDLOCK_WITHOUT_RESTART_DETECTION ? "&restartDetection=false" : "");
            case ZOOKEEPER -> "zk://" + proxiesByWorker.get(worker - 1).stream().map(TcpProxy::hostAndPort)
                    .collect(Collectors.joining(",")) + "/torture?sessionTimeout=" + leaseMs + "ms";
        };
    }

    /** How long a restarted Redlock node's votes do not count: at least the lease, and at least 2 s. */
    Duration quarantine() {
        Duration twice = scenario.lease().multipliedBy(2);
        return twice.compareTo(Duration.ofSeconds(2)) > 0 ? twice : Duration.ofSeconds(2);
    }

    /**
     * Freezes every connection of worker {@code worker} to the servers (ZooKeeper only): nothing
     * passes until {@link #reconnect(int)}.
     *
     * @throws UnsupportedOperationException for Redis backends, which are reached directly
     */
    void cutOff(int worker) {
        workerProxies(worker).forEach(TcpProxy::freeze);
    }

    /** Lets worker {@code worker}'s traffic through again. */
    void reconnect(int worker) {
        workerProxies(worker).forEach(TcpProxy::thaw);
    }

    private List<TcpProxy> workerProxies(int worker) {
        if (proxiesByWorker.isEmpty()) {
            throw new UnsupportedOperationException(scenario.backend() + " workers are not behind proxies");
        }
        return proxiesByWorker.get(worker - 1);
    }

    /** Waits until every server serves again (a restarted ZooKeeper member has rejoined its ensemble). */
    void awaitHealthy() {
        if (zookeeper != null) {
            zookeeper.awaitAllServing();
        }
    }

    /** Brings back every server the nemesis left down or paused, so the run can end cleanly. */
    void healAll() {
        for (RedisServer server : redis) {
            if (!server.isRunning()) {
                server.restart();
            }
        }
        if (zookeeper != null) {
            zookeeper.startMissing();
        }
        proxiesByWorker.forEach(list -> list.forEach(TcpProxy::thaw));
    }

    @Override
    public void close() {
        proxiesByWorker.forEach(list -> list.forEach(TcpProxy::close));
        redis.forEach(RedisServer::close);
        if (zookeeper != null) {
            zookeeper.close();
        }
    }
}
