package io.dlock.testkit.torture;

import io.dlock.testkit.RedisServer;
import io.dlock.testkit.TcpProxy;
import io.dlock.testkit.ZooKeeperEnsemble;
import io.dlock.testkit.ZooKeeperServer;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The servers of one lock service under torture, started for one run on loopback: one Redis
 * node, three Redlock masters, or a three-server ZooKeeper ensemble. Each worker reaches every
 * server through a proxy of its own, so that one worker can be cut off or reset, and latency
 * added. Closing stops everything.
 */
final class LockCluster implements AutoCloseable {

    /** A line of ZooKeeper's {@code cons}: {@code /127.0.0.1:<port>[1](…,sid=0x…,…)}. */
    private static final Pattern CONNECTION = Pattern.compile(":(\\d+)\\[\\d+]\\([^)]*\\bsid=(0x[0-9a-f]+)");

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
            return new LockCluster(scenario, started, null,
                    proxies(scenario, started.stream().map(RedisServer::port).toList()));
        } catch (RuntimeException e) {
            started.forEach(RedisServer::close);
            throw e;
        }
    }

    private static LockCluster startZooKeeper(Scenario scenario) {
        ZooKeeperEnsemble ensemble = ZooKeeperEnsemble.start(3);
        try {
            return new LockCluster(scenario, List.of(), ensemble,
                    proxies(scenario, ensemble.servers().stream().map(ZooKeeperServer::port).toList()));
        } catch (RuntimeException e) {
            ensemble.close();
            throw e;
        }
    }

    /** For each worker, one proxy per server port. */
    private static List<List<TcpProxy>> proxies(Scenario scenario, List<Integer> ports) {
        List<List<TcpProxy>> proxies = new ArrayList<>();
        try {
            for (int w = 0; w < scenario.workers(); w++) {
                List<TcpProxy> own = new ArrayList<>();
                proxies.add(own);
                for (int port : ports) {
                    own.add(TcpProxy.to("127.0.0.1", port));
                }
            }
            return proxies;
        } catch (RuntimeException e) {
            proxies.forEach(list -> list.forEach(TcpProxy::close));
            throw e;
        }
    }

    /** Whether this is a ZooKeeper ensemble. */
    boolean isZooKeeper() {
        return zookeeper != null;
    }

    /** The lease (Redis) or session timeout (ZooKeeper) the workers use. */
    Duration lease() {
        return scenario.lease();
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
        String hosts = proxiesByWorker.get(worker - 1).stream().map(TcpProxy::hostAndPort)
                .collect(Collectors.joining(","));
        return switch (scenario.backend()) {
            case REDIS -> "redis://" + hosts + "?timeout=500ms";
            case REDLOCK -> "redlock://" + hosts + "?restartQuarantine=" + quarantine().toMillis() + "ms"
                    + (scenario.mode() == WorkerMode.REDLOCK_WITHOUT_RESTART_DETECTION ? "&restartDetection=false" : "");
            case ZOOKEEPER -> "zk://" + hosts + "/torture?sessionTimeout=" + scenario.lease().toMillis() + "ms";
        };
    }

    /** How long a restarted Redlock node's votes do not count: at least the lease, and at least 2 s. */
    Duration quarantine() {
        Duration twice = scenario.lease().multipliedBy(2);
        return twice.compareTo(Duration.ofSeconds(2)) > 0 ? twice : Duration.ofSeconds(2);
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
     * The ZooKeeper sessions of worker {@code worker} (from 1) as the servers list them: the
     * session ids of the connections that come from that worker's proxies ({@code cons} on each
     * member). Empty for Redis, and while the worker has no connection up.
     */
    Set<String> zooKeeperSessionsOf(int worker) {
        Set<String> sessions = new TreeSet<>();
        if (zookeeper == null) {
            return sessions;
        }
        List<ZooKeeperServer> servers = zookeeper.servers();
        for (int n = 0; n < servers.size(); n++) {
            List<Integer> ports = proxiesByWorker.get(worker - 1).get(n).upstreamPorts();
            if (ports.isEmpty() || !servers.get(n).isRunning()) {
                continue;
            }
            try {
                Matcher line = CONNECTION.matcher(servers.get(n).fourLetterWord("cons"));
                while (line.find()) {
                    if (ports.contains(Integer.parseInt(line.group(1))) && !line.group(2).equals("0x0")) {
                        sessions.add(line.group(2));
                    }
                }
            } catch (UncheckedIOException e) {
                // not answering (e.g. restarting): its connections are not up either
            }
        }
        return sessions;
    }

    /**
     * Whether a running ZooKeeper member still knows session {@code session}: the leader's
     * session tracker, a follower's global sessions, ephemeral owners or connections ({@code dump}).
     * A member that does not answer counts as knowing it, so a false answer is certain.
     */
    boolean zooKeeperKnows(String session) {
        Pattern id = Pattern.compile("\\b" + Pattern.quote(session) + "\\b");
        for (ZooKeeperServer server : zookeeper.servers()) {
            if (!server.isRunning()) {
                continue;
            }
            try {
                if (id.matcher(server.fourLetterWord("dump")).find()) {
                    return true;
                }
            } catch (UncheckedIOException e) {
                return true;
            }
        }
        return false;
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
        setLatency(Duration.ZERO);
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
