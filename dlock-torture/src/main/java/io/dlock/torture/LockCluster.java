package io.dlock.torture;

import io.dlock.servers.RedisServer;
import io.dlock.servers.TcpProxy;
import io.dlock.servers.ZooKeeperEnsemble;
import io.dlock.servers.ZooKeeperServer;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

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
    private final Firewall firewall;

    private LockCluster(Scenario scenario, List<RedisServer> redis, ZooKeeperEnsemble zookeeper,
            List<List<TcpProxy>> proxiesByWorker, Firewall firewall) {
        this.scenario = scenario;
        this.redis = List.copyOf(redis);
        this.zookeeper = zookeeper;
        this.proxiesByWorker = proxiesByWorker;
        this.firewall = firewall;
        List<ClusterNode> all = new ArrayList<>();
        redis.forEach(server -> all.add(ClusterNode.of(server)));
        if (zookeeper != null) {
            zookeeper.servers().forEach(server -> all.add(ClusterNode.of(server)));
        }
        this.nodes = List.copyOf(all);
    }

    /**
     * Starts the servers {@code scenario} needs; with partitions among its faults, also the
     * firewall that cuts them (so only inside {@link NetworkIsolation}'s namespace).
     */
    static LockCluster start(Scenario scenario) {
        Firewall firewall = scenario.faults().contains(Fault.PARTITION) ? Firewall.start() : null;
        return switch (scenario.backend()) {
            case REDIS -> startRedis(scenario, 1, firewall);
            case REDLOCK -> startRedis(scenario, 3, firewall);
            case ZOOKEEPER -> startZooKeeper(scenario, firewall);
        };
    }

    private static LockCluster startRedis(Scenario scenario, int count, Firewall firewall) {
        String[] args = RedisDebugCommand.enablingArgs();
        List<RedisServer> started = new ArrayList<>();
        try {
            for (int i = 0; i < count; i++) {
                started.add(RedisServer.start(args));
            }
            return new LockCluster(scenario, started, null,
                    proxies(scenario, started.stream().map(RedisServer::port).toList()), firewall);
        } catch (RuntimeException e) {
            started.forEach(RedisServer::close);
            throw e;
        }
    }

    private static LockCluster startZooKeeper(Scenario scenario, Firewall firewall) {
        ZooKeeperEnsemble ensemble;
        if (firewall == null) {
            ensemble = ZooKeeperEnsemble.start(3);
        } else {
            // The servers talk to each other directly: to cut those links, each runs under a group
            // of its own, and the connections it opens carry its id.
            for (int id = 1; id <= 3; id++) {
                firewall.markConnectionsOf(id);
            }
            ensemble = ZooKeeperEnsemble.start(3, Firewall::runAsGroupOf);
        }
        try {
            return new LockCluster(scenario, List.of(), ensemble,
                    proxies(scenario, ensemble.servers().stream().map(ZooKeeperServer::port).toList()), firewall);
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

    /**
     * A partition the firewall holds.
     *
     * @param description what is cut off from what
     * @param isolated for ZooKeeper, the index of the cut-off member; empty otherwise
     * @param majority for ZooKeeper, the indexes of the servers on the majority side; empty otherwise
     * @param leaderIsolated for ZooKeeper, whether the cut-off member led (else a follower was
     *     cut off, and the leader keeps its quorum)
     */
    record Partition(String description, List<Integer> isolated, List<Integer> majority, boolean leaderIsolated) {}

    /**
     * Cuts the links {@code planned} names (see {@link Schedule.Planned}); {@link #healPartition()}
     * restores them. For ZooKeeper the isolated server is the one that leads now, or a follower:
     * the one the worker left with it is connected to, if it is on a follower (a holder behind a
     * follower cut off from the leader is the case worth trying), else the first follower (the
     * worker then loses its connection to the leader and can reach only that follower).
     *
     * @throws IllegalStateException without a firewall (outside the partition tier), or when no
     *     ZooKeeper member leads
     */
    Partition partition(Schedule.Planned planned) {
        if (firewall == null) {
            throw new IllegalStateException("partitions need the firewall of the partition tier");
        }
        int workers = proxiesByWorker.size();
        List<Integer> cut = new ArrayList<>();
        switch (scenario.backend()) {
            case REDIS -> {
                cut.add(proxiesByWorker.get(planned.target() - 1).get(0).port());
                firewall.drop(cut);
                return new Partition("worker " + planned.target() + " cut off from " + nodes.get(0).name(), List.of(),
                        List.of(), false);
            }
            case REDLOCK -> {
                int node = planned.target();
                int with = planned.second();
                for (int w = 1; w <= workers; w++) {
                    for (int n = 0; n < nodes.size(); n++) {
                        if ((n == node) != (w == with)) {
                            cut.add(proxiesByWorker.get(w - 1).get(n).port());
                        }
                    }
                }
                firewall.drop(cut);
                return new Partition(with == 0 ? nodes.get(node).name() + " cut off from every worker"
                        : "worker " + with + " and " + nodes.get(node).name() + " cut off from the rest", List.of(), List.of(),
                        false);
            }
            case ZOOKEEPER -> {
                int leader = zooKeeperLeader(indexes()).orElseThrow(
                        () -> new IllegalStateException("no ZooKeeper member leads; nothing to partition"));
                int with = planned.target();
                boolean leaderIsolated = planned.second() == Schedule.LEADER;
                OptionalInt workersFollower = followerOf(with, leader);
                int isolated = leaderIsolated ? leader
                        : workersFollower.orElse(indexes().stream().filter(n -> n != leader).findFirst().orElseThrow());
                List<Integer> majority = new ArrayList<>(indexes());
                majority.remove(Integer.valueOf(isolated));
                firewall.cutZooKeeperMember(zookeeper.servers(), isolated);
                for (int w = 1; w <= workers; w++) {
                    for (int n = 0; n < nodes.size(); n++) {
                        if ((n == isolated) != (w == with)) {
                            cut.add(proxiesByWorker.get(w - 1).get(n).port());
                        }
                    }
                }
                firewall.drop(cut);
                String member = leaderIsolated ? "leader " + nodes.get(isolated).name()
                        : "follower " + nodes.get(isolated).name() + (workersFollower.isPresent()
                                ? " (worker " + with + "'s server)" : " (worker " + with + " was on the leader)");
                return new Partition(member + " and worker " + with + " cut off from the other servers and workers",
                        List.of(isolated), List.copyOf(majority), leaderIsolated);
            }
        }
        throw new IllegalStateException("unknown backend " + scenario.backend());
    }

    /** Lifts the partition: the firewall drops nothing any more; returns how many packets it had dropped. */
    long healPartition() {
        long dropped = firewall.droppedPackets();
        firewall.heal();
        return dropped;
    }

    /** The index of the ZooKeeper member among {@code among} that says it leads, if any answers so. */
    OptionalInt zooKeeperLeader(List<Integer> among) {
        for (int n : among) {
            ZooKeeperServer server = zookeeper.servers().get(n);
            try {
                if (server.isRunning() && server.fourLetterWord("srvr").contains("Mode: leader")) {
                    return OptionalInt.of(n);
                }
            } catch (UncheckedIOException e) {
                // not answering: not a leader we can see
            }
        }
        return OptionalInt.empty();
    }

    /**
     * Whether ZooKeeper member {@code n} (an index into {@link #nodes()}) answers as a follower;
     * a member cut off from its leader stops serving once it misses the leader for
     * {@code syncLimit × tickTime}.
     */
    boolean zooKeeperFollows(int n) {
        ZooKeeperServer server = zookeeper.servers().get(n);
        try {
            return server.isRunning() && server.fourLetterWord("srvr").contains("Mode: follower");
        } catch (UncheckedIOException e) {
            return false;
        }
    }

    /** The follower worker {@code worker}'s session is on, if it is on one. */
    private OptionalInt followerOf(int worker, int leader) {
        List<Integer> ports = proxiesByWorker.get(worker - 1).stream()
                .flatMap(proxy -> proxy.upstreamPorts().stream()).toList();
        for (int n : indexes()) {
            if (n != leader && !ports.isEmpty() && connectedFrom(n, ports)) {
                return OptionalInt.of(n);
            }
        }
        return OptionalInt.empty();
    }

    /** Whether ZooKeeper member {@code n} has a client session on a connection from one of {@code ports}. */
    private boolean connectedFrom(int n, List<Integer> ports) {
        try {
            Matcher line = CONNECTION.matcher(zookeeper.servers().get(n).fourLetterWord("cons"));
            while (line.find()) {
                if (ports.contains(Integer.parseInt(line.group(1))) && !line.group(2).equals("0x0")) {
                    return true;
                }
            }
            return false;
        } catch (UncheckedIOException e) {
            return false;
        }
    }

    private List<Integer> indexes() {
        return IntStream.range(0, nodes.size()).boxed().toList();
    }

    /** Waits until every server serves again (a restarted ZooKeeper member has rejoined its ensemble). */
    void awaitHealthy() {
        if (zookeeper != null) {
            zookeeper.awaitAllServing();
        }
    }

    /** Brings back every server the nemesis left down or paused, so the run can end cleanly. */
    void healAll() {
        if (firewall != null) {
            firewall.heal(); // first: a ZooKeeper member cut off could not rejoin
        }
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
