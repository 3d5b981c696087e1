package io.dlock.servers;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import java.util.stream.Collectors;

/**
 * A quorum of real ZooKeeper servers ({@link ZooKeeperServer}s) in child JVMs on loopback, for
 * tests that kill, pause or restart members. Clients connect to the leader too.
 */
public final class ZooKeeperEnsemble implements AutoCloseable {

    private static final Duration QUORUM_TIMEOUT = Duration.ofSeconds(90);

    private final List<ZooKeeperServer> servers;

    private ZooKeeperEnsemble(List<ZooKeeperServer> servers) {
        this.servers = List.copyOf(servers);
    }

    /** Starts {@code size} servers and waits until every one serves. */
    public static ZooKeeperEnsemble start(int size) {
        return start(size, id -> List.of());
    }

    /**
     * Starts {@code size} servers, each JVM through the command {@code commandPrefix} gives for
     * its id (from 1), e.g. {@code setpriv --regid=…} to tell its traffic apart in firewall
     * rules; waits until every one serves.
     */
    public static ZooKeeperEnsemble start(int size, IntFunction<List<String>> commandPrefix) {
        return start(size, Map.of(), commandPrefix);
    }

    /**
     * Starts {@code size} servers with {@code settings} in their {@code zoo.cfg} over the test
     * kit's own (e.g. ZooKeeper's sample {@code tickTime=2000} and {@code syncLimit=5} instead of
     * the fast 250 ms tick), each JVM through the command {@code commandPrefix} gives for its id;
     * waits until every one serves.
     */
    public static ZooKeeperEnsemble start(
            int size, Map<String, String> settings, IntFunction<List<String>> commandPrefix) {
        List<ZooKeeperServer> servers = new ArrayList<>();
        for (int id = 1; id <= size; id++) {
            servers.add(new ZooKeeperServer(id, settings, commandPrefix.apply(id)));
        }
        ZooKeeperEnsemble ensemble = new ZooKeeperEnsemble(servers);
        try {
            List<String> peers = servers.stream().map(ZooKeeperServer::peerLine).toList();
            servers.forEach(server -> server.joinEnsemble(peers));
            servers.forEach(ZooKeeperServer::launch);
            ensemble.awaitAllServing();
            return ensemble;
        } catch (RuntimeException e) {
            ensemble.close();
            throw e;
        }
    }

    /** The members, by id (1 first). */
    public List<ZooKeeperServer> servers() {
        return servers;
    }

    /** {@code 127.0.0.1:p1,127.0.0.1:p2,…}. */
    public String connectString() {
        return servers.stream().map(ZooKeeperServer::hostAndPort).collect(Collectors.joining(","));
    }

    /** {@code zk://127.0.0.1:p1,…}, without root or parameters. */
    public String uri() {
        return "zk://" + connectString();
    }

    /**
     * The member that currently leads.
     *
     * @throws IllegalStateException when no running member says it leads (an election is on, or
     *     the quorum is lost)
     * @throws java.io.UncheckedIOException when a member that answered a moment before stops
     *     answering while asked
     */
    public ZooKeeperServer leader() {
        return servers.stream()
                .filter(server -> server.isRunning()
                        && server.isServing()
                        && server.fourLetterWord("srvr").contains("Mode: leader"))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("no leader in " + servers));
    }

    /** Kills every member (SIGKILL) and starts them again from their disks; waits for the quorum. */
    public void restartAll() {
        servers.forEach(ZooKeeperServer::kill);
        servers.forEach(ZooKeeperServer::start);
        awaitAllServing();
    }

    /** Starts the members that are not running and waits until every one serves. */
    public void startMissing() {
        servers.stream().filter(server -> !server.isRunning()).forEach(ZooKeeperServer::start);
        awaitAllServing();
    }

    /** Waits until every member serves (standalone or in a quorum). */
    public void awaitAllServing() {
        for (ZooKeeperServer server : servers) {
            server.awaitServing(QUORUM_TIMEOUT);
        }
    }

    /**
     * Kills every member and deletes their directories, also when one of them does not die.
     *
     * @throws IllegalStateException naming a member that is still alive after SIGKILL (see
     *     {@link ZooKeeperServer#kill()}), once every other member is closed
     */
    @Override
    public void close() {
        IllegalStateException failure = null;
        for (ZooKeeperServer server : servers) {
            try {
                server.close();
            } catch (IllegalStateException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    @Override
    public String toString() {
        return "zookeeper-ensemble[" + connectString() + "]";
    }
}
