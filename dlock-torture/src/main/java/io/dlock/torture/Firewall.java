package io.dlock.torture;

import io.dlock.servers.ZooKeeperServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * iptables rules that cut links between the processes of a run, inside the private network
 * namespace of {@link NetworkIsolation} (and nowhere else: the rules go with the namespace, so
 * nothing is left behind even if the run is killed).
 *
 * <p>Packets are dropped on {@code INPUT}, silently, as a real partition loses them: no reset,
 * senders retransmit until the link heals. A link is named by ports: a listening port alone
 * (every connection to or from it: a worker's own proxy stands for the link between that worker
 * and one server), or a listening port together with the process that opened the connection.
 * That process is known by its group id: each ZooKeeper server runs under a group of its own
 * ({@link #groupOf(int)}), and a rule installed at start marks every connection it opens with
 * its id ({@code CONNMARK}, set on its first packet in {@code OUTPUT}, where the owner is known).
 * Not thread-safe; used by the nemesis thread, and at start-up.
 */
final class Firewall {

    private static final String CHAIN = "dlock-partition";
    /** The first group id of the ZooKeeper servers; any will do, the groups need no names. */
    private static final int FIRST_GROUP = 64_000;
    /** iptables' multiport match takes at most 15 ports. */
    private static final int PORTS_PER_RULE = 15;

    private Firewall() {}

    /**
     * Sets up the partition chain in this network namespace.
     *
     * @throws IllegalStateException outside a private network namespace, or if iptables fails
     */
    static Firewall start() {
        if (!NetworkIsolation.inside()) {
            throw new IllegalStateException("iptables rules outside a private network namespace would change this"
                    + " machine's firewall; partitions run through NetworkIsolation");
        }
        iptables("-N", CHAIN);
        iptables("-I", "INPUT", "-j", CHAIN);
        return new Firewall();
    }

    /** The group id ZooKeeper server {@code id} (from 1) runs under. */
    static int groupOf(int id) {
        return FIRST_GROUP + id;
    }

    /** The command prefix that runs ZooKeeper server {@code id} under its group. */
    static List<String> runAsGroupOf(int id) {
        return List.of("setpriv", "--regid=" + groupOf(id), "--clear-groups", "--");
    }

    /** Marks every connection that ZooKeeper server {@code id} opens from now on with {@code id}. */
    void markConnectionsOf(int id) {
        iptables(
                "-A",
                "OUTPUT",
                "-m",
                "owner",
                "--gid-owner",
                Integer.toString(groupOf(id)),
                "-m",
                "conntrack",
                "--ctstate",
                "NEW",
                "-j",
                "CONNMARK",
                "--set-mark",
                Integer.toString(id));
    }

    /** Drops every packet to or from {@code ports}, in both directions. */
    void drop(List<Integer> ports) {
        for (List<Integer> some : chunks(ports)) {
            iptables("-A", CHAIN, "-p", "tcp", "-m", "multiport", "--ports", join(some), "-j", "DROP");
        }
    }

    /** Drops every packet of the connections ZooKeeper server {@code id} opened to {@code ports}. */
    void drop(int id, List<Integer> ports) {
        for (List<Integer> some : chunks(ports)) {
            iptables(
                    "-A",
                    CHAIN,
                    "-p",
                    "tcp",
                    "-m",
                    "connmark",
                    "--mark",
                    Integer.toString(id),
                    "-m",
                    "multiport",
                    "--ports",
                    join(some),
                    "-j",
                    "DROP");
        }
    }

    /**
     * Cuts ensemble member {@code member} (an index into {@code servers}, whose ids count from 1
     * in that order) off from every other member, both ways: the connections it opened to their
     * quorum and election ports, and the ones they opened to its.
     */
    void cutZooKeeperMember(List<ZooKeeperServer> servers, int member) {
        for (int other = 0; other < servers.size(); other++) {
            if (other != member) {
                drop(member + 1, peerPorts(servers.get(other)));
                drop(other + 1, peerPorts(servers.get(member)));
            }
        }
    }

    /** How many packets the drop rules have dropped since they were added. */
    long droppedPackets() {
        long dropped = 0;
        for (String line : iptables("-L", CHAIN, "-v", "-x", "-n").lines().toList()) {
            String[] fields = line.trim().split("\\s+", -1);
            if (fields.length > 2 && fields[2].equals("DROP")) {
                dropped += Long.parseLong(fields[0]);
            }
        }
        return dropped;
    }

    /** Removes every drop rule: the links carry packets again, including the retransmitted ones. */
    void heal() {
        iptables("-F", CHAIN);
    }

    /** The ports a ZooKeeper member's peers connect to: quorum and election. */
    private static List<Integer> peerPorts(ZooKeeperServer server) {
        return List.of(server.quorumPort(), server.electionPort());
    }

    private static List<List<Integer>> chunks(List<Integer> ports) {
        List<List<Integer>> chunks = new ArrayList<>();
        for (int i = 0; i < ports.size(); i += PORTS_PER_RULE) {
            chunks.add(ports.subList(i, Math.min(ports.size(), i + PORTS_PER_RULE)));
        }
        return chunks;
    }

    private static String join(List<Integer> ports) {
        return ports.stream().map(String::valueOf).collect(Collectors.joining(","));
    }

    /** Runs iptables (waiting for its lock) and returns what it printed. */
    private static String iptables(String... args) {
        List<String> command = new ArrayList<>(List.of("iptables", "-w"));
        command.addAll(List.of(args));
        try {
            Process process =
                    new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
                process.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " failed: " + output);
            }
            return output;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + String.join(" ", command), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + String.join(" ", command), e);
        }
    }
}
