package io.dlock.torture;

import io.dlock.servers.ZooKeeperEnsemble;
import io.dlock.servers.ZooKeeperServer;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

/**
 * A three-server ZooKeeper ensemble under torture ({@code zk://}), the scenario's lease as the
 * workers' session timeout. The servers keep sessions, which a cut-off must see expire; a
 * partition cuts off the leader or a follower with one worker, and must bring about a new
 * leader, or the follower's stepping out.
 */
final class ZooKeeperCluster implements LockCluster {

    /** A line of ZooKeeper's {@code cons}: {@code /127.0.0.1:<port>[1](…,sid=0x…,…)}. */
    private static final Pattern CONNECTION = Pattern.compile(":(\\d+)\\[\\d+]\\([^)]*\\bsid=(0x[0-9a-f]+)");
    /**
     * How long a partition may take to bring about a new leader (the leader cut off) or the
     * cut-off follower's stepping out before it counts as failed.
     */
    private static final Duration PARTITION_PATIENCE = Duration.ofSeconds(30);

    private static final Duration POLL = Duration.ofMillis(50);

    private final Scenario scenario;
    private final ZooKeeperEnsemble ensemble;
    private final List<ClusterNode> nodes;
    private final WorkerNetwork network;

    private ZooKeeperCluster(Scenario scenario, ZooKeeperEnsemble ensemble, WorkerNetwork network) {
        this.scenario = scenario;
        this.ensemble = ensemble;
        this.nodes = ensemble.servers().stream().map(ClusterNode::of).toList();
        this.network = network;
    }

    /**
     * Starts the ensemble and the workers' proxies. With a firewall, each server runs under a
     * group of its own, and the connections it opens carry its id, so that the links between
     * the servers can be cut too.
     */
    static ZooKeeperCluster start(Scenario scenario, Optional<Firewall> firewall) {
        ZooKeeperEnsemble ensemble;
        if (firewall.isEmpty()) {
            ensemble = ZooKeeperEnsemble.start(3);
        } else {
            for (int id = 1; id <= 3; id++) {
                firewall.get().markConnectionsOf(id);
            }
            ensemble = ZooKeeperEnsemble.start(3, Firewall::runAsGroupOf);
        }
        try {
            return new ZooKeeperCluster(
                    scenario,
                    ensemble,
                    WorkerNetwork.start(
                            scenario.workers(),
                            ensemble.servers().stream()
                                    .map(ZooKeeperServer::port)
                                    .toList(),
                            firewall));
        } catch (RuntimeException e) {
            ensemble.close();
            throw e;
        }
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
    public String uriFor(int worker) {
        return "zk://" + network.hostsOf(worker) + "/torture?sessionTimeout="
                + scenario.lease().toMillis() + "ms";
    }

    @Override
    public boolean keepsSessions() {
        return true;
    }

    /** The session ids of the connections that come from worker {@code worker}'s proxies ({@code cons} on each member). */
    @Override
    public Set<String> sessionsOf(int worker) {
        Set<String> sessions = new TreeSet<>();
        List<ZooKeeperServer> servers = ensemble.servers();
        for (int n = 0; n < servers.size(); n++) {
            List<Integer> ports = network.proxy(worker, n).upstreamPorts();
            if (ports.isEmpty() || !servers.get(n).isRunning()) {
                continue;
            }
            try {
                Matcher line = CONNECTION.matcher(servers.get(n).fourLetterWord("cons"));
                while (line.find()) {
                    if (ports.contains(Integer.parseInt(line.group(1)))
                            && !line.group(2).equals("0x0")) {
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
     * Whether a running member still knows {@code session}: the leader's session tracker, a
     * follower's global sessions, ephemeral owners or connections ({@code dump}).
     */
    @Override
    public boolean knowsSession(String session) {
        Pattern id = Pattern.compile("\\b" + Pattern.quote(session) + "\\b");
        for (ZooKeeperServer server : ensemble.servers()) {
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
     * Cuts off a member and worker {@link Schedule.Planned#target()} from the other servers and
     * workers. The member is the one that leads now ({@link Schedule.Planned#second()} is
     * {@link Schedule#LEADER}), or a follower: the one the worker is connected to, if it is on a
     * follower (a holder behind a follower cut off from the leader is the case worth trying),
     * else the first follower (the worker then loses its connection to the leader and can reach
     * only that follower).
     *
     * @throws IllegalStateException when no member leads
     */
    @Override
    public Partition partition(Schedule.Planned planned) {
        Firewall firewall = network.firewall();
        int leader = leader(indexes())
                .orElseThrow(() -> new IllegalStateException("no ZooKeeper member leads; nothing to partition"));
        int with = planned.target();
        boolean leaderIsolated = planned.second() == Schedule.LEADER;
        OptionalInt workersFollower = followerOf(with, leader);
        int isolated = leaderIsolated
                ? leader
                : workersFollower.orElse(
                        indexes().stream().filter(n -> n != leader).findFirst().orElseThrow());
        List<Integer> majority = new ArrayList<>(indexes());
        majority.remove(Integer.valueOf(isolated));
        firewall.cutZooKeeperMember(ensemble.servers(), isolated);
        network.dropWhere(nodes.size(), (w, n) -> (n == isolated) != (w == with));
        String member = leaderIsolated
                ? "leader " + nodes.get(isolated).name()
                : "follower " + nodes.get(isolated).name()
                        + (workersFollower.isPresent()
                                ? " (worker " + with + "'s server)"
                                : " (worker " + with + " was on the leader)");
        return new MemberCutOff(
                member + " and worker " + with + " cut off from the other servers and workers",
                isolated,
                List.copyOf(majority),
                leaderIsolated);
    }

    /** A member cut off with one worker. */
    private final class MemberCutOff implements Partition {

        private final String description;
        private final int isolated;
        private final List<Integer> majority;
        private final boolean leaderIsolated;

        /**
         * @param isolated the index of the cut-off member
         * @param majority the indexes of the servers on the majority side
         * @param leaderIsolated whether the cut-off member led (else a follower was cut off, and
         *     the leader keeps its quorum)
         */
        MemberCutOff(String description, int isolated, List<Integer> majority, boolean leaderIsolated) {
            this.description = description;
            this.isolated = isolated;
            this.majority = majority;
            this.leaderIsolated = leaderIsolated;
        }

        @Override
        public String description() {
            return description;
        }

        @Override
        public long awaitEffect(long start, long plannedEnd, FaultRun run) {
            return leaderIsolated ? awaitNewLeader(start, plannedEnd, run) : awaitFollowerOut(start, plannedEnd, run);
        }

        /**
         * While the leader is cut off, waits until the majority elects a new one (a partition
         * that does not bring that about is a failure of the fault) and notes when the old one
         * stepped down; returns when to heal: the planned end, but at least one session timeout
         * after the new leader, so the cut-off client's session can expire on the majority's side.
         */
        private long awaitNewLeader(long start, long plannedEnd, FaultRun run) {
            long patience = start + PARTITION_PATIENCE.toNanos();
            OptionalLong steppedDown = OptionalLong.empty();
            while (System.nanoTime() - patience < 0) {
                if (steppedDown.isEmpty() && leader(List.of(isolated)).isEmpty()) {
                    steppedDown = OptionalLong.of(System.nanoTime());
                }
                OptionalInt leader = leader(majority);
                if (leader.isPresent()) {
                    long elected = System.nanoTime();
                    run.note(nodes.get(leader.getAsInt()).name() + " led the majority after "
                            + FaultRun.millis(elected - start) + "; the cut-off leader "
                            + (steppedDown.isEmpty()
                                    ? "still said it led then"
                                    : "stepped down after " + FaultRun.millis(steppedDown.getAsLong() - start)));
                    return Math.max(plannedEnd, elected + lease().toNanos());
                }
                LockSupport.parkNanos(POLL.toNanos());
            }
            run.fail("PARTITION (" + description + "): the majority elected no new leader within "
                    + PARTITION_PATIENCE.toSeconds() + " s");
            return plannedEnd;
        }

        /**
         * While a follower is cut off, waits until it stops serving its clients (it does once it
         * misses the leader for {@code syncLimit × tickTime}; a partition that does not bring that
         * about is a failure of the fault) and checks that the leader kept leading the majority;
         * returns when to heal: the planned end, but at least one session timeout after the cut,
         * so that the leader can expire the cut-off client's session.
         */
        private long awaitFollowerOut(long start, long plannedEnd, FaultRun run) {
            long patience = start + PARTITION_PATIENCE.toNanos();
            while (System.nanoTime() - patience < 0) {
                if (!follows(isolated)) {
                    long out = System.nanoTime();
                    OptionalInt leader = leader(majority);
                    run.note(
                            nodes.get(isolated).name() + " stopped serving after " + FaultRun.millis(out - start) + "; "
                                    + (leader.isPresent()
                                            ? nodes.get(leader.getAsInt()).name() + " kept leading the majority"
                                            : "no member of the majority led then"));
                    if (leader.isEmpty()) {
                        run.fail("PARTITION (" + description + "): the majority lost its leader when a follower was"
                                + " cut off");
                    }
                    return Math.max(plannedEnd, start + lease().toNanos());
                }
                LockSupport.parkNanos(POLL.toNanos());
            }
            run.fail("PARTITION (" + description + "): the cut-off follower still served its clients "
                    + PARTITION_PATIENCE.toSeconds() + " s after the cut");
            return plannedEnd;
        }
    }

    /** The index of the member among {@code among} that says it leads, if any answers so. */
    private OptionalInt leader(List<Integer> among) {
        for (int n : among) {
            ZooKeeperServer server = ensemble.servers().get(n);
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
     * Whether member {@code n} answers as a follower; a member cut off from its leader stops
     * serving once it misses the leader for {@code syncLimit × tickTime}.
     */
    private boolean follows(int n) {
        ZooKeeperServer server = ensemble.servers().get(n);
        try {
            return server.isRunning() && server.fourLetterWord("srvr").contains("Mode: follower");
        } catch (UncheckedIOException e) {
            return false;
        }
    }

    /** The follower worker {@code worker}'s session is on, if it is on one. */
    private OptionalInt followerOf(int worker, int leader) {
        List<Integer> ports = network.upstreamPortsOf(worker);
        for (int n : indexes()) {
            if (n != leader && !ports.isEmpty() && connectedFrom(n, ports)) {
                return OptionalInt.of(n);
            }
        }
        return OptionalInt.empty();
    }

    /** Whether member {@code n} has a client session on a connection from one of {@code ports}. */
    private boolean connectedFrom(int n, List<Integer> ports) {
        try {
            Matcher line = CONNECTION.matcher(ensemble.servers().get(n).fourLetterWord("cons"));
            while (line.find()) {
                if (ports.contains(Integer.parseInt(line.group(1)))
                        && !line.group(2).equals("0x0")) {
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

    /** Waits until every server serves again (a restarted member has rejoined its ensemble). */
    @Override
    public void awaitHealthy() {
        ensemble.awaitAllServing();
    }

    @Override
    public void healAll() {
        network.healAll(); // first: a member cut off could not rejoin
        ensemble.startMissing();
    }

    @Override
    public void close() {
        network.close();
        ensemble.close();
    }
}
